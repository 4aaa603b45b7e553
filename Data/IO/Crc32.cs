namespace NeuralPipelines.Data.IO;

/// <summary>The CRC-32 that gzip stores in its trailer (IEEE 802.3 polynomial, reflected), computed incrementally.</summary>
/// <remarks>The BCL keeps its own CRC-32 internal and System.IO.Hashing is a separate package, so the table-driven
/// textbook version lives here; it only runs once per file read, so a plain byte-at-a-time loop is fast enough.</remarks>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Continues a CRC over <paramref name="data"/>; start with <c>crc = 0</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        crc = ~crc;
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
