using System.Buffers.Binary;
using System.Numerics;

namespace NeuralPipelines.Data.IO;

/// <summary>CRC-32C (Castagnoli), the checksum our checkpoints and ONNX files carry, computed incrementally.</summary>
/// <remarks>Castagnoli rather than the zip/gzip polynomial of <see cref="Crc32"/> because the BCL computes it in hardware
/// (<see cref="BitOperations.Crc32C(uint, ulong)"/>: SSE4.2 or ARM CRC, with a software fallback), eight bytes a step, so
/// checking a model of hundreds of megabytes costs a fraction of reading it; and no package is needed for it.</remarks>
public static class Crc32C
{
    /// <summary>Continues a CRC over <paramref name="data"/>; start with <c>crc = 0</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        crc = ~crc;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>The CRC of a stream's bytes from where it stands to its end, read through a small buffer (memory stays
    /// constant whatever the file's size).</summary>
    public static uint Compute(Stream stream, long count)
    {
        var buffer = new byte[81920];
        uint crc = 0;
        while (count > 0)
        {
            int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (n == 0) throw new EndOfStreamException();
            crc = Append(crc, buffer.AsSpan(0, n));
            count -= n;
        }
        return crc;
    }
}
