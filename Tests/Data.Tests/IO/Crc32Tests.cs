using System.Buffers.Binary;
using System.IO.Compression;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Data.Tests.IO;

/// <summary>The gzip CRC-32, eight bytes a step, against its byte-at-a-time twin, the standard check value and the
/// trailer of the shipped MNIST gzip files.</summary>
public class Crc32Tests
{
    [Fact]
    public void The_sliced_CRC_gives_the_check_value_and_equals_the_bytewise_one_at_every_length_and_split()
    {
        // The check value of CRC-32 (IEEE 802.3, as in gzip and zip) over "123456789".
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0xCBF43926u, Crc32.AppendBytewise(0, "123456789"u8));
        var random = new Random(32);
        var data = new byte[4099];
        random.NextBytes(data);
        for (int length = 0; length <= 64; length++)
            Assert.Equal(Crc32.AppendBytewise(0, data.AsSpan(0, length)), Crc32.Compute(data.AsSpan(0, length)));
        uint whole = Crc32.AppendBytewise(0, data);
        Assert.Equal(whole, Crc32.Compute(data));
        for (int split = 0; split < 20; split++)
        {
            int at = random.Next(data.Length);
            Assert.Equal(whole, Crc32.Append(Crc32.Append(0, data.AsSpan(0, at)), data.AsSpan(at)));
        }
        data[2049] ^= 0x10;
        Assert.NotEqual(whole, Crc32.Compute(data));
    }

    [Fact]
    public void The_CRC_of_each_shipped_gzip_files_content_is_the_one_its_trailer_records()
    {
        foreach (var file in Directory.GetFiles(ShippedData.Mnist, "*.gz"))
        {
            var bytes = File.ReadAllBytes(file);
            using var content = new MemoryStream();
            using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress)) gzip.CopyTo(content);
            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 8)), Crc32.Compute(content.ToArray()));
        }
    }
}
