using NeuralPipelines.Data.Idx;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.Idx;

public class IdxRoundTripTests
{
    public static TheoryData<IdxType, string> Cases()
    {
        var data = new TheoryData<IdxType, string>();
        foreach (var type in Enum.GetValues<IdxType>())
            foreach (var ext in new[] { ".idx", ".gz" })
                data.Add(type, ext);
        return data;
    }

    // Values at the edges of each type's range, so a wrong byte order or sign handling shows up.
    private static double[] Values(IdxType type) => type switch
    {
        IdxType.UnsignedByte => [0, 1, 127, 128, 254, 255],
        IdxType.SignedByte => [-128, -1, 0, 1, 100, 127],
        IdxType.Int16 => [short.MinValue, -2, 0, 1, 256, short.MaxValue],
        IdxType.Int32 => [int.MinValue, -70000, 0, 1, 16777217, int.MaxValue],
        IdxType.Float32 => [-1.5, 0, 1e-30, 3.25, float.MaxValue, -0.1f],
        _ => [-1e300, 0, 1e-300, Math.PI, double.Epsilon, 0.1],
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_then_read_gives_back_type_dimensions_and_every_value(IdxType type, string ext)
    {
        using var tmp = new TempFolder();
        var values = Values(type);
        var written = IdxArray.FromValues(type, [2, 3], values);
        var path = tmp.File("a" + ext);
        IdxWriter.Write(path, written);

        Assert.Equal(ext == ".gz", IsGzip(path));
        var read = IdxReader.Read(path);
        Assert.Equal(type, read.Type);
        Assert.Equal([2, 3], read.Dimensions);
        Assert.Equal(written.Payload, read.Payload);
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(type == IdxType.Float32 ? (float)values[i] : values[i], read[i]);
        Assert.Equal(new[] { 2, 3 }, IdxReader.ReadHeader(path).Dimensions);
        Assert.Single(Directory.GetFiles(tmp.Path)); // no temporary file left beside it
    }

    [Fact]
    public void Raw_file_is_the_header_then_the_big_endian_payload()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("x.idx");
        IdxWriter.Write(path, IdxArray.FromValues(IdxType.Int16, [3], [1, -2, 258]));
        Assert.Equal(new byte[] { 0, 0, 0x0B, 1, 0, 0, 0, 3, 0x00, 0x01, 0xFF, 0xFE, 0x01, 0x02 }, File.ReadAllBytes(path));
    }

    [Fact]
    public void Reading_the_shipped_mnist_test_images_gives_2000_images_of_28_by_28()
    {
        var a = IdxReader.Read(Path.Combine(ShippedData.Mnist, "t10k-images-idx3-ubyte.gz"));
        Assert.Equal(IdxType.UnsignedByte, a.Type);
        Assert.Equal([2000, 28, 28], a.Dimensions);
        Assert.Contains(a.Payload, b => b == 255); // real digits reach full white
    }

    [Fact]
    public void Values_that_do_not_fit_the_type_are_refused()
    {
        Assert.Throws<ArgumentException>(() => IdxArray.FromValues(IdxType.UnsignedByte, [1], [256]));
        Assert.Throws<ArgumentException>(() => IdxArray.FromValues(IdxType.Int16, [1], [1.5]));
        Assert.Throws<ArgumentException>(() => new IdxArray(IdxType.Int32, [2], new byte[7]));
    }

    [Fact]
    public void Fractional_labels_are_an_error_naming_the_source()
    {
        var a = IdxArray.FromValues(IdxType.Float32, [2], [1, 2.5]);
        var e = Assert.Throws<InvalidDataException>(() => a.ToInts("labels.idx"));
        Assert.Contains("labels.idx", e.Message);
        Assert.Equal([1, 7], IdxArray.FromValues(IdxType.Int32, [2], [1, 7]).ToInts());
    }

    private static bool IsGzip(string path)
    {
        var b = File.ReadAllBytes(path);
        return b.Length > 2 && b[0] == 0x1F && b[1] == 0x8B;
    }
}
