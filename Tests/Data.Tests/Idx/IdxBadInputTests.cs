using System.IO.Compression;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.Idx;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.Idx;

/// <summary>Every way an IDX file can be wrong gives one message that names the file and says what is wrong.</summary>
public class IdxBadInputTests
{
    private static byte[] ValidIdx() => Encode(IdxArray.FromBytes([4, 3, 2], Enumerable.Range(0, 24).Select(i => (byte)(i * 10)).ToArray()));

    private static byte[] Encode(IdxArray a)
    {
        var ms = new MemoryStream();
        IdxWriter.Write(ms, a);
        return ms.ToArray();
    }

    private static byte[] Gzip(byte[] raw)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(raw);
        return ms.ToArray();
    }

    private static InvalidDataException ReadFails(TempFolder tmp, string name, byte[] bytes)
    {
        var path = tmp.File(name);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));
        Assert.StartsWith(path + ":", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void Wrong_magic_number()
    {
        using var tmp = new TempFolder();
        var bytes = ValidIdx();
        bytes[0] = 0x50; bytes[1] = 0x4B; // a zip file, say
        Assert.Contains("wrong magic number 0x504B0803", ReadFails(tmp, "zip.idx", bytes).Message);
    }

    [Fact]
    public void Wrong_magic_number_inside_gzip()
    {
        using var tmp = new TempFolder();
        Assert.Contains("wrong magic number", ReadFails(tmp, "text.gz", Gzip("hello, world\n"u8.ToArray())).Message);
    }

    [Fact]
    public void Unknown_element_type()
    {
        using var tmp = new TempFolder();
        var bytes = ValidIdx();
        bytes[2] = 0x0A;
        Assert.Contains("unknown IDX element type 0x0A", ReadFails(tmp, "t.idx", bytes).Message);
    }

    [Fact]
    public void Rank_zero()
    {
        using var tmp = new TempFolder();
        Assert.Contains("rank 0", ReadFails(tmp, "r0.idx", [0, 0, 8, 0]).Message);
    }

    [Fact]
    public void Rank_larger_than_the_header_holds()
    {
        using var tmp = new TempFolder();
        var bytes = ValidIdx();
        bytes[3] = 200; // 200 dimensions promised, the file ends long before
        Assert.Contains("truncated header: rank 200", ReadFails(tmp, "r200.idx", bytes).Message);
    }

    [Fact]
    public void Dimensions_that_promise_more_than_the_file_holds()
    {
        using var tmp = new TempFolder();
        var bytes = ValidIdx();
        bytes[7] = 5; // 5×3×2 = 30 bytes promised, 24 present
        var m = ReadFails(tmp, "dims.idx", bytes).Message;
        Assert.Contains("[5×3×2]", m);
        Assert.Contains("need 46 bytes but the data ends after 40", m);
    }

    [Fact]
    public void Dimensions_that_promise_less_than_the_file_holds()
    {
        using var tmp = new TempFolder();
        var bytes = ValidIdx();
        bytes[7] = 3;
        Assert.Contains("6 more (trailing data", ReadFails(tmp, "dims.idx", bytes).Message);
    }

    [Fact]
    public void Negative_dimension()
    {
        using var tmp = new TempFolder();
        var bytes = ValidIdx();
        bytes[4] = 0xFF;
        Assert.Contains("dimension 0 is negative", ReadFails(tmp, "neg.idx", bytes).Message);
    }

    [Fact]
    public void Truncated_raw_file()
    {
        using var tmp = new TempFolder();
        var bytes = ValidIdx();
        Assert.Contains("truncated", ReadFails(tmp, "cut.idx", bytes[..^5]).Message);
        Assert.Contains("too short for an IDX header", ReadFails(tmp, "tiny.idx", bytes[..3]).Message);
        Assert.Contains("too short for an IDX header", ReadFails(tmp, "empty.idx", []).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_header_that_claims_more_images_than_the_file_holds_allocates_only_what_is_there(bool gzip)
    {
        // The case: a header declaring 2.7 M images of 28×28 (2.1 GB) over a file of 1,000 images.
        using var tmp = new TempFolder();
        var bytes = Encode(IdxArray.FromBytes([1000, 28, 28], Enumerable.Range(0, 784_000).Select(i => (byte)(i % 253)).ToArray()));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), 2_700_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = ReadFails(tmp, gzip ? "liar.gz" : "liar.idx", gzip ? Gzip(bytes) : bytes);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("truncated", e.Message);
        Assert.Contains("2700000×28×28", e.Message);
        Assert.True(allocated < 16 << 20, $"reading a {bytes.Length:N0}-byte file allocated {allocated:N0} bytes");
    }

    [Theory]
    [InlineData(1)]   // only the last byte of the trailer missing: all data decompresses, the trailer check catches it
    [InlineData(8)]   // the whole trailer missing
    [InlineData(40)]  // cut inside the compressed data
    public void Truncated_gzip(int cut)
    {
        using var tmp = new TempFolder();
        var gz = Gzip(Encode(IdxArray.FromBytes([50, 10, 10], Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray())));
        Assert.Contains("truncated", ReadFails(tmp, "cut.gz", gz[..^cut]).Message);
    }

    [Fact]
    public void Gzip_shorter_than_its_header_and_trailer()
    {
        using var tmp = new TempFolder();
        Assert.Contains("truncated gzip", ReadFails(tmp, "stub.gz", Gzip(ValidIdx())[..12]).Message);
    }

    [Fact]
    public void Corrupt_gzip()
    {
        using var tmp = new TempFolder();
        var gz = Gzip(Encode(IdxArray.FromBytes([50, 10, 10], Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray())));
        for (int i = 20; i < 40; i++) gz[i] ^= 0x5A;
        var m = ReadFails(tmp, "bad.gz", gz).Message;
        Assert.True(m.Contains("corrupt"), m);
    }

    [Fact]
    public void Corrupt_gzip_trailer_crc()
    {
        using var tmp = new TempFolder();
        var gz = Gzip(ValidIdx());
        gz[^6] ^= 0xFF; // inside the CRC-32
        Assert.Contains("corrupt", ReadFails(tmp, "crc.gz", gz).Message);
    }

    [Fact]
    public void Missing_file_names_it()
    {
        using var tmp = new TempFolder();
        var e = Assert.Throws<FileNotFoundException>(() => IdxReader.Read(tmp.File("nope.gz")));
        Assert.Contains("nope.gz", e.Message);
    }

    [Fact]
    public void Images_of_the_wrong_rank_are_named_in_the_dataset_loader()
    {
        using var tmp = new TempFolder();
        var images = tmp.File("images.gz");
        var labels = tmp.File("labels.gz");
        IdxWriter.Write(images, IdxArray.FromBytes([4, 6], new byte[24]));
        IdxWriter.Write(labels, IdxArray.FromBytes([4], new byte[4]));
        var e = Assert.Throws<InvalidDataException>(() => IdxImageFolder.LoadPair(images, labels));
        Assert.Contains(images, e.Message);
        Assert.Contains("rank 2", e.Message);
    }

    [Fact]
    public void Images_and_labels_that_disagree_in_count_name_both_files()
    {
        using var tmp = new TempFolder();
        var images = tmp.File("images.gz");
        var labels = tmp.File("labels.gz");
        IdxWriter.Write(images, IdxArray.FromBytes([4, 3, 2], new byte[24]));
        IdxWriter.Write(labels, IdxArray.FromBytes([5], new byte[5]));
        var e = Assert.Throws<InvalidDataException>(() => IdxImageFolder.LoadPair(images, labels));
        Assert.Contains(images, e.Message);
        Assert.Contains(labels, e.Message);
    }

    /// <summary>One stray label byte among digits made a model of that many classes, trained and scored without a word
    /// (audit N7); labels that number their classes densely, beyond ten too, still load.</summary>
    [Fact]
    public void A_stray_label_far_past_the_others_is_refused_naming_it_and_its_item()
    {
        using var tmp = new TempFolder();
        var images = tmp.File("images.gz");
        var labels = tmp.File("labels.gz");
        IdxWriter.Write(images, IdxArray.FromBytes([40, 3, 2], new byte[240]));
        var digits = Enumerable.Range(0, 40).Select(i => (byte)(i % 10)).ToArray();
        digits[17] = 200;
        IdxWriter.Write(labels, IdxArray.FromBytes([40], digits));
        var e = Assert.Throws<InvalidDataException>(() => IdxImageFolder.LoadPair(images, labels));
        Assert.Contains(labels, e.Message);
        Assert.Contains("label 200 (item 17)", e.Message);

        // 20 classes, one missing: a dataset of more than ten classes, not a stray byte.
        var twenty = Enumerable.Range(0, 40).Select(i => (byte)(i % 20 == 13 ? 12 : i % 20)).ToArray();
        IdxWriter.Write(labels, IdxArray.FromBytes([40], twenty));
        Assert.Equal(20, IdxImageFolder.LoadPair(images, labels).Classes);
    }

    /// <summary>NaN and ±∞ in a float IDX file are refused where they are, not blamed epochs later on the learning rate.</summary>
    [Theory]
    [InlineData(IdxType.Float32, double.NaN, "is NaN")]
    [InlineData(IdxType.Float32, double.PositiveInfinity, "is +∞")]
    [InlineData(IdxType.Float64, double.NegativeInfinity, "is -∞")]
    public void A_non_finite_float_pixel_is_refused_naming_its_image_and_position(IdxType type, double bad, string words)
    {
        using var tmp = new TempFolder();
        var values = Enumerable.Range(0, 24).Select(i => i / 24.0).ToArray();
        var raw = Encode(IdxArray.FromValues(type, [4, 3, 2], values));
        int size = type == IdxType.Float32 ? 4 : 8, at = 4 + 3 * 4 + 15 * size; // element 15: image 2, value 3
        if (type == IdxType.Float32) System.Buffers.Binary.BinaryPrimitives.WriteSingleBigEndian(raw.AsSpan(at), (float)bad);
        else System.Buffers.Binary.BinaryPrimitives.WriteDoubleBigEndian(raw.AsSpan(at), bad);
        foreach (var (name, bytes) in new[] { ("f.idx", raw), ("f.idx.gz", Gzip(raw)) })
        {
            var e = ReadFails(tmp, name, bytes);
            Assert.Contains("element 15 (item 2, value 3 of 6)", e.Message);
            Assert.Contains(words, e.Message);
        }
        // The same file with finite values reads.
        Assert.Equal(24, IdxReader.Parse(Encode(IdxArray.FromValues(type, [4, 3, 2], values)), "ok").Count);
    }

    /// <summary>1e39 is a valid float64 IDX value but ∞ as the float32 pixel the trainer reads: the image loader names it.</summary>
    [Fact]
    public void A_float64_pixel_beyond_float32_is_refused_by_the_image_loader_naming_its_image()
    {
        using var tmp = new TempFolder();
        var images = tmp.File("images.idx");
        var labels = tmp.File("labels.idx");
        var values = Enumerable.Range(0, 24).Select(i => i == 15 ? -1e39 : i / 24.0).ToArray();
        IdxWriter.Write(images, IdxArray.FromValues(IdxType.Float64, [4, 3, 2], values));
        IdxWriter.Write(labels, IdxArray.FromBytes([4], new byte[4]));
        var e = Assert.Throws<InvalidDataException>(() => IdxImageFolder.LoadPair(images, labels));
        Assert.StartsWith(images + ": image 2, pixel 3 (row 1, column 1) is -1e+39, beyond the range of the float32 values", e.Message);
    }

    /// <summary>Finite but absurd pixels (issue 13, point 4: "1e30 pixels in an IDX file") are refused when the images are
    /// read, naming the image, the pixel and the bound, in a float copy of the shipped MNIST test images; the same copy
    /// unplanted, and one holding exactly the bound, load with every pixel as it was.</summary>
    [Theory]
    [InlineData(IdxType.Float32, 1e30, "is 1e+30, beyond ±1e6: not a pixel value")]
    [InlineData(IdxType.Float32, -3e38, "is -3e+38, beyond ±1e6: not a pixel value")]
    [InlineData(IdxType.Float64, 1.5e6, "is 1.5e+06, beyond ±1e6: not a pixel value")]
    [InlineData(IdxType.Int32, 2_000_000_000, "is 2e+09, beyond ±1e6: not a pixel value")]
    public void A_finite_pixel_beyond_the_pixel_bound_is_refused_naming_image_and_position(IdxType type, double planted, string words)
    {
        using var tmp = new TempFolder();
        var mnist = IdxImageFolder.Load(NeuralPipelines.Data.ShippedData.Mnist).Test.Take(50);
        var values = mnist.Pixels.ToArray().Select(v => type == IdxType.Int32 ? Math.Round(255.0 * v) : (double)v).ToArray();
        var labels = tmp.File("labels.idx");
        IdxWriter.Write(labels, IdxArray.FromBytes([50], mnist.Labels.Select(l => (byte)l).ToArray()));
        string Write(string name, double[] v) { var p = tmp.File(name); IdxWriter.Write(p, IdxArray.FromValues(type, [50, 28, 28], v)); return p; }

        var clean = IdxImageFolder.LoadPair(Write("clean.idx", values), labels);
        Assert.Equal(type == IdxType.Int32 ? values.Select(v => (float)v) : mnist.Pixels.ToArray(), clean.Pixels.ToArray());
        var edge = (double[])values.Clone();
        edge[7 * 784 + 300] = -PixelBound.Limit;
        Assert.Equal(-1e6f, IdxImageFolder.LoadPair(Write("edge.idx", edge), labels).Pixels[7 * 784 + 300]);

        var bad = (double[])values.Clone();
        bad[7 * 784 + 300] = planted; // image 7, pixel 300: row 10, column 20
        var path = Write("bad.idx", bad);
        var e = Assert.Throws<InvalidDataException>(() => IdxImageFolder.LoadPair(path, labels));
        Assert.StartsWith($"{path}: image 7, pixel 300 (row 10, column 20) {words}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
