using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Data.Tests.IO;

/// <summary>The CRC-32C of checkpoints and ONNX files, the stream that sums what it writes, and the excerpt of echoed input.</summary>
public class ChecksumTests
{
    [Fact]
    public void Crc32C_gives_the_standard_check_value_and_sums_in_pieces_as_in_one()
    {
        // The check value of CRC-32C (iSCSI, RFC 3720) over "123456789".
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        var data = new byte[1000];
        new Random(3).NextBytes(data);
        uint whole = Crc32C.Compute(data);
        Assert.Equal(whole, Crc32C.Append(Crc32C.Append(0, data.AsSpan(0, 13)), data.AsSpan(13)));
        Assert.Equal(whole, Crc32C.Compute(new MemoryStream(data), data.Length));
        data[500] ^= 4;
        Assert.NotEqual(whole, Crc32C.Compute(data));
    }

    [Fact]
    public void A_checksumming_stream_passes_every_byte_on_and_sums_them()
    {
        var inner = new MemoryStream();
        var stream = new ChecksummingStream(inner);
        stream.Write("1234"u8);
        stream.WriteByte((byte)'5');
        stream.Write("6789"u8.ToArray(), 0, 4);
        Assert.Equal("123456789"u8.ToArray(), inner.ToArray());
        Assert.Equal(0xE3069283u, stream.Crc);
    }

    [Fact]
    public void An_excerpt_is_one_line_of_at_most_200_characters_and_says_what_was_cut()
    {
        Assert.Equal("short", Excerpt.Of("short"));
        Assert.Equal("a b", Excerpt.Of("a\nb"));
        var line = new string('x', 300_000);
        var e = Excerpt.Of(line);
        Assert.StartsWith(new string('x', 200) + "…", e);
        Assert.EndsWith("(299,800 more characters)", e);
        Assert.True(e.Length < 240);
        // A rest shorter than the marker is quoted: "…lengt… (2 more characters)" said less in more (audit F6).
        var message = new string('m', 198) + "length";
        Assert.Equal(message, Excerpt.Of(message));
        var longer = new string('m', 200) + new string('z', 40);
        Assert.Equal(new string('m', 200) + "… (40 more characters)", Excerpt.Of(longer));
    }
}
