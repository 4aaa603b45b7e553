using NeuralPipelines.Data;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Onnx.Batch;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Onnx.Tests.Batch;

/// <summary>The streaming IDX reader of <c>np score</c>: an unpacked folder (no inflating) scores as the gzip one does,
/// and the end of the images is checked (the gzip trailer, trailing bytes) even though a run reads no further than the
/// last image the header promises.</summary>
public class IdxRowsTests
{
    private static string Run(OnnxScorer scorer, string folder, BatchScoringOptions? options = null)
    {
        using var source = new IdxRows(folder, "test", scorer.InputShape, "mlp");
        using var buffer = new MemoryStream();
        using (var writer = PredictionWriter.Create(PredictionFormat.Csv, buffer, source.HasItems, source.HasLabels, scorer.OutputLength, scorer.Card?.ClassLabels))
            new BatchScorer(scorer, options).Run(source, writer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    // The shipped MNIST folder's test split, each file as the test wants it (unpacked, or its gzip bytes changed).
    private static string Copy(TempFolder temp, Func<string, byte[], byte[]> file)
    {
        foreach (var stem in new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte" })
        {
            var gz = Path.Combine(ShippedData.Mnist, stem + ".gz");
            File.WriteAllBytes(Path.Combine(temp.Path, stem + ".gz"), file(stem, File.ReadAllBytes(gz)));
        }
        return temp.Path;
    }

    private static byte[] Unpacked(byte[] gz)
    {
        using var content = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(new MemoryStream(gz), System.IO.Compression.CompressionMode.Decompress)) gzip.CopyTo(content);
        return content.ToArray();
    }

    /// <summary>Audit C6: scoring the test split of a folder that holds only the t10k files (what a folder sent to be scored
    /// holds) was refused for missing train files, which it never reads; only the scored split's two files are needed.</summary>
    [Theory]
    [InlineData("test", "train")]
    [InlineData("train", "t10k")]
    public void A_split_needs_only_its_own_two_files(string split, string absent)
    {
        using var temp = new TempFolder();
        var folder = Copy(temp, (_, bytes) => bytes);
        foreach (var gone in Directory.GetFiles(folder, absent + "-*")) File.Delete(gone);
        using (var rows = ScoringInput.Open(folder, [1, 28, 28], "mlp", new ScoringInputOptions { Split = split }))
            Assert.Equal("idx", rows.Kind);
        var other = split == "test" ? "train" : "test";
        var error = Assert.Throws<FileNotFoundException>(() => ScoringInput.Open(folder, [1, 28, 28], "mlp", new ScoringInputOptions { Split = other }));
        Assert.Contains($"missing IDX files {absent}-images-idx3-ubyte, {absent}-labels-idx1-ubyte", error.Message);
    }

    [Fact]
    public void A_folder_missing_one_IDX_file_is_refused_naming_it_not_taken_for_an_image_folder()
    {
        // It was read as a folder of images: "holds no images (.png, .jpg, .jpeg, .bmp)", naming no IDX file.
        using var temp = new TempFolder();
        var folder = Copy(temp, (_, bytes) => bytes);
        File.Delete(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
        var error = Assert.Throws<FileNotFoundException>(() => ScoringInput.Open(folder, [1, 28, 28], "mlp"));
        Assert.Contains("missing IDX file t10k-labels-idx1-ubyte", error.Message);
    }

    [Fact]
    public void An_unpacked_IDX_folder_scores_byte_for_byte_as_the_gzip_one()
    {
        using var scorer = BatchModels.Mnist();
        using var temp = new TempFolder();
        foreach (var gz in Directory.GetFiles(ShippedData.Mnist, "*.gz"))
            File.WriteAllBytes(Path.Combine(temp.Path, Path.GetFileNameWithoutExtension(gz)), Unpacked(File.ReadAllBytes(gz)));
        Assert.False(CheckedGzipStream.IsGzip(Path.Combine(temp.Path, "t10k-images-idx3-ubyte")));
        var options = new BatchScoringOptions { ChunkRows = 333 };
        var unpacked = Run(scorer, temp.Path, options);
        Assert.Equal(Run(scorer, ShippedData.Mnist, options), unpacked);
        Assert.Equal(2001, unpacked.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void A_damaged_gzip_trailer_after_the_last_image_fails_the_run_naming_the_file()
    {
        using var scorer = BatchModels.Mnist();
        using var temp = new TempFolder();
        var folder = Copy(temp, (stem, gz) =>
        {
            if (stem == "t10k-images-idx3-ubyte") gz[^6] ^= 0xFF; // inside the CRC-32: every image inflates as before
            return gz;
        });
        var e = Assert.Throws<InvalidDataException>(() => Run(scorer, folder));
        Assert.Contains(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), e.Message);
        Assert.Contains("corrupt", e.Message);
    }

    [Fact]
    public void Bytes_after_the_images_the_header_promises_fail_the_run_naming_the_file()
    {
        using var scorer = BatchModels.Mnist();
        using var temp = new TempFolder();
        foreach (var gz in Directory.GetFiles(ShippedData.Mnist, "*.gz"))
        {
            var bytes = Unpacked(File.ReadAllBytes(gz));
            if (gz.Contains("t10k-images")) bytes = [.. bytes, .. new byte[784]];
            File.WriteAllBytes(Path.Combine(temp.Path, Path.GetFileNameWithoutExtension(gz)), bytes);
        }
        var e = Assert.Throws<InvalidDataException>(() => Run(scorer, temp.Path));
        Assert.Contains(Path.Combine(temp.Path, "t10k-images-idx3-ubyte"), e.Message);
        Assert.Contains("784 more bytes", e.Message);
    }
}
