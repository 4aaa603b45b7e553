using System.Buffers.Binary;

namespace NeuralPipelines.Data.IO;

/// <summary>The CRC-32 that gzip and zip store (IEEE 802.3 polynomial, reflected), computed incrementally.</summary>
/// <remarks>The BCL keeps its own CRC-32 internal and System.IO.Hashing is a separate package, so it lives here. Eight bytes
/// a step through eight tables ("slicing-by-8", Intel 2006) rather than the textbook byte a step: 0.07 CPU-s instead of
/// 0.26 over 78 MB (score-race --stages), for the zip entries checked before a model loads.
/// <see cref="AppendBytewise"/> is the plain twin the tests compare with.</remarks>
public static class Crc32
{
    // Tables[k·256 + b]: the CRC contribution of byte b followed by k zero bytes.
    private static readonly uint[] Tables = BuildTables();

    /// <summary>Continues a CRC over <paramref name="data"/>; start with <c>crc = 0</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var t = Tables.AsSpan();
        crc = ~crc;
        while (data.Length >= 8)
        {
            uint one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            uint two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[7 * 256 + (int)(one & 0xFF)] ^ t[6 * 256 + (int)((one >> 8) & 0xFF)]
                ^ t[5 * 256 + (int)((one >> 16) & 0xFF)] ^ t[4 * 256 + (int)(one >> 24)]
                ^ t[3 * 256 + (int)(two & 0xFF)] ^ t[2 * 256 + (int)((two >> 8) & 0xFF)]
                ^ t[1 * 256 + (int)((two >> 16) & 0xFF)] ^ t[(int)(two >> 24)];
            data = data[8..];
        }
        foreach (byte b in data) crc = t[(int)((crc ^ b) & 0xFF)] ^ (crc >> 8);
        return ~crc;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>The textbook byte-at-a-time CRC: the reference <see cref="Append"/> is tested against.</summary>
    public static uint AppendBytewise(uint crc, ReadOnlySpan<byte> data)
    {
        crc = ~crc;
        foreach (byte b in data) crc = Tables[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] BuildTables()
    {
        var tables = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            tables[n] = c;
        }
        for (int k = 1; k < 8; k++)
            for (int n = 0; n < 256; n++)
            {
                uint previous = tables[(k - 1) * 256 + n];
                tables[k * 256 + n] = (previous >> 8) ^ tables[previous & 0xFF];
            }
        return tables;
    }
}
