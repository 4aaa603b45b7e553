using NeuralPipelines.Models.Checkpoints;

namespace NeuralPipelines.Onnx.Integrity;

/// <summary>Tells a model file by its content, whatever its name: a checkpoint by its magic, a zip by its signature, an
/// ONNX model by the shape of its protobuf. What <c>Outputs.Check</c> asks before an output replaces an existing file.</summary>
public static class ModelFileKinds
{
    // A real model's top level is a dozen fields plus one per metadata property; a walk longer than this is not one.
    private const int MaxTopLevelFields = 100_000;

    // ONNX's IR versions run from 1 (2017) to 11 (2024); room for the next ones, not for an arbitrary number.
    private const long MaxIrVersion = 64;

    // ModelProto's field numbers (onnx.proto): ir_version = 1 (varint), graph = 7 (length-delimited).
    private const int IrVersionField = 1, GraphField = 7;

    /// <summary>The kind of model <paramref name="path"/> holds; <see cref="ModelFileKind.None"/> for anything else, a file
    /// that cannot be read, or one that does not exist.</summary>
    public static ModelFileKind Of(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 4096);
            Span<byte> head = stackalloc byte[8];
            int n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            head = head[..n];
            if (CheckpointFile.StartsWithMagic(head)) return ModelFileKind.Checkpoint;
            // A local file header, or the end record that is all an empty archive holds.
            if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8)) return ModelFileKind.Zip;
            file.Position = 0;
            return IsOnnx(file) ? ModelFileKind.Onnx : ModelFileKind.None;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ModelFileKind.None; }
    }

    /// <summary>Walks the top-level protobuf fields from the start to the end of the stream, skipping each field's bytes
    /// by seeking (a large model is not read): an ONNX model is a sequence of well-formed fields that ends exactly at the
    /// end of the file and holds an IR version and a graph. A text file (CSV, JSON) or an image fails this within a few
    /// bytes: a group wire type, a field number 0, or a length running past the end.</summary>
    private static bool IsOnnx(Stream s)
    {
        long length = s.Length;
        bool irVersion = false, graph = false;
        for (int fields = 0; fields < MaxTopLevelFields; fields++)
        {
            if (s.Position == length) return irVersion && graph;
            if (ReadVarint(s) is not ulong tag) return false;
            ulong number = tag >> 3;
            if (number is 0 or > 536_870_911) return false;
            switch ((int)(tag & 7))
            {
                case 0: // varint
                    if (ReadVarint(s) is not ulong value) return false;
                    if (number == IrVersionField)
                    {
                        if (value is 0 or > MaxIrVersion) return false;
                        irVersion = true;
                    }
                    break;
                case 1: // 64-bit
                    if (!Skip(s, 8, length)) return false;
                    break;
                case 2: // length-delimited
                    if (ReadVarint(s) is not ulong size || size > (ulong)(length - s.Position) || !Skip(s, (long)size, length)) return false;
                    if (number == GraphField) graph = true;
                    break;
                case 5: // 32-bit
                    if (!Skip(s, 4, length)) return false;
                    break;
                default: // groups (3, 4) are not in ONNX; 6 and 7 are not wire types
                    return false;
            }
            if (number == IrVersionField && (tag & 7) != 0) return false;
            if (number == GraphField && (tag & 7) != 2) return false;
        }
        return false;
    }

    private static bool Skip(Stream s, long count, long length)
    {
        if (count > length - s.Position) return false;
        s.Seek(count, SeekOrigin.Current);
        return true;
    }

    private static ulong? ReadVarint(Stream s)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            int b = s.ReadByte();
            if (b < 0) return null;
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        return null;
    }
}
