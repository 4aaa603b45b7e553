using System.Buffers.Binary;
using System.IO.Compression;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Data.Idx;

/// <summary>Writes IDX files: gzip-compressed when the path ends in <c>.gz</c>, raw otherwise; never a half-written file.</summary>
public static class IdxWriter
{
    public static void Write(string path, IdxArray array)
    {
        bool gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        AtomicFile.Write(path, stream =>
        {
            if (!gzip) { Write(stream, array); return; }
            using var gz = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            Write(gz, array);
        });
    }

    /// <summary>Writes the IDX bytes (header then big-endian payload) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IdxArray array)
    {
        var header = new byte[4 + 4 * array.Dimensions.Length];
        header[2] = (byte)array.Type;
        header[3] = (byte)array.Dimensions.Length;
        for (int i = 0; i < array.Dimensions.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), array.Dimensions[i]);
        stream.Write(header);
        stream.Write(array.Payload);
    }
}
