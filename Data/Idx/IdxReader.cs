using System.Buffers.Binary;
using System.IO.Compression;

namespace NeuralPipelines.Data.Idx;

/// <summary>Reads IDX files (LeCun's MNIST format), raw or gzip-compressed, checking everything the header promises.</summary>
public static class IdxReader
{
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such IDX file.", path);
        byte[] bytes;
        try
        {
            bytes = IsGzip(path) ? Gunzip(path) : File.ReadAllBytes(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: the gzip stream is corrupt or truncated ({e.Message}).", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses an IDX image held in memory; <paramref name="source"/> names it in error messages.</summary>
    public static IdxArray Parse(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < 4) throw new InvalidDataException($"{source}: {bytes.Length} bytes is too short for an IDX header.");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"{source}: wrong magic number 0x{bytes[0]:X2}{bytes[1]:X2}{bytes[2]:X2}{bytes[3]:X2} (an IDX file starts with two zero bytes).");
        var type = (IdxType)bytes[2];
        if (!Enum.IsDefined(type)) throw new InvalidDataException($"{source}: unknown IDX element type 0x{bytes[2]:X2} in the magic number.");
        int rank = bytes[3];
        if (rank == 0) throw new InvalidDataException($"{source}: IDX rank 0 (no dimensions).");
        int header = 4 + 4 * rank;
        if (bytes.Length < header) throw new InvalidDataException($"{source}: header declares {rank} dimensions but the file ends after {bytes.Length} bytes.");
        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes[(4 + 4 * i)..]);
            if (dims[i] < 0) throw new InvalidDataException($"{source}: dimension {i} is negative ({dims[i]}).");
            count *= dims[i];
        }
        long expected = header + count * IdxArray.ElementSize(type);
        if (bytes.Length != expected)
            throw new InvalidDataException(
                $"{source}: dimensions [{string.Join("×", dims)}] need {expected} bytes but the file has {bytes.Length}" +
                (bytes.Length < expected ? " (truncated)." : " (trailing data)."));
        return new IdxArray(type, dims, bytes[header..].ToArray());
    }

    private static bool IsGzip(string path)
    {
        using var f = File.OpenRead(path);
        return f.ReadByte() == 0x1F && f.ReadByte() == 0x8B;
    }

    private static byte[] Gunzip(string path)
    {
        using var f = File.OpenRead(path);
        using var gz = new GZipStream(f, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }
}
