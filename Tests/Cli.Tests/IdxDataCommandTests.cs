using System.IO.Compression;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary>A damaged IDX folder is refused alike by every command that reads one (train, eval, validate, score), with one
/// line that names the file at fault: the images file for images of the wrong type, the labels file for a bad label.</summary>
public sealed class IdxDataCommandTests(OutputSafetyFixture made) : IClassFixture<OutputSafetyFixture>
{
    /// <summary>A copy of the shipped MNIST folder whose file <paramref name="stem"/> is rewritten raw by <paramref name="change"/>
    /// (the bytes after decompression, IDX header first).</summary>
    private static string CopyOfMnist(TempFolder temp, string stem, Action<byte[]> change, string name = "idx")
    {
        var folder = Directory.CreateDirectory(temp.File(name)).FullName;
        foreach (var file in Directory.GetFiles(NeuralPipelines.Data.ShippedData.Mnist, "*.gz"))
            if (Path.GetFileName(file) != stem + ".gz") File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        using var raw = new MemoryStream();
        using (var gz = new GZipStream(File.OpenRead(Path.Combine(NeuralPipelines.Data.ShippedData.Mnist, stem + ".gz")), CompressionMode.Decompress)) gz.CopyTo(raw);
        var bytes = raw.ToArray();
        change(bytes);
        File.WriteAllBytes(Path.Combine(folder, stem), bytes);
        return folder;
    }

    /// <summary>Audit M3: signed bytes (type code 0x09) read as pixels gave eval, validate and train a result of garbage (and a
    /// confidence of NaN); score refused them. Now all four give score's line.</summary>
    [Fact]
    public void Signed_byte_images_are_refused_by_every_command_with_the_same_line()
    {
        using var temp = new TempFolder();
        var data = CopyOfMnist(temp, "t10k-images-idx3-ubyte", b => b[2] = 0x09);
        string images = Path.Combine(data, "t10k-images-idx3-ubyte");
        string expected = $"{images}: expected unsigned-byte images of rank 3 (count×rows×columns), found SignedByte [2000×28×28]";
        var ckpt = temp.File("t.ckpt");
        var lines = new[]
        {
            AssertFailsWithOneLine("eval", ["eval", "--model", made.Checkpoint, "--data", data, "--json"], expected),
            AssertFailsWithOneLine("validate", ["validate", "--model", made.Onnx, "--data", data], expected),
            AssertFailsWithOneLine("train", ["train", "mlp", "--epochs", "1", "--train-limit", "100", "--data", data, "--out", ckpt], expected),
            AssertFailsWithOneLine("score", ["score", "--model", made.Onnx, "--data", data, "--output", temp.File("s.csv")], expected),
        };
        Assert.Single(lines.Select(l => l[(l.IndexOf(": error: ", StringComparison.Ordinal) + 9)..]).Distinct());
        Assert.False(File.Exists(ckpt));
        Assert.False(File.Exists(temp.File("s.csv")));
    }

    /// <summary>Audit L9: a test label out of range was reported naming the images file; it is the labels file that is wrong.</summary>
    [Fact]
    public void An_out_of_range_test_label_is_reported_naming_the_labels_file()
    {
        using var temp = new TempFolder();
        var data = CopyOfMnist(temp, "t10k-labels-idx1-ubyte", b => b[8 + 92] = 200); // after the header: magic number and count
        string labels = Path.Combine(data, "t10k-labels-idx1-ubyte");
        // A label that far past the others is refused as the dataset is read (audit N7), before any model sees it.
        var eval = AssertFailsWithOneLine("eval", ["eval", "--model", made.Checkpoint, "--data", data], $"{labels}: label 200 (item 92)");
        var validate = AssertFailsWithOneLine("validate", ["validate", "--model", made.Onnx, "--data", data], $"{labels}: label 200 (item 92)");
        foreach (var line in new[] { eval, validate }) Assert.DoesNotContain("images-idx3", line);

        // A label one past the model's classes is a dataset of eleven classes: the model refuses it, naming the same file.
        data = CopyOfMnist(temp, "t10k-labels-idx1-ubyte", b => b[8 + 92] = 10, "eleven");
        labels = Path.Combine(data, "t10k-labels-idx1-ubyte");
        eval = AssertFailsWithOneLine("eval", ["eval", "--model", made.Checkpoint, "--data", data], $"{labels}: image 92 has label 10");
        validate = AssertFailsWithOneLine("validate", ["validate", "--model", made.Onnx, "--data", data], $"{labels}: image 92 has label 10");
        foreach (var line in new[] { eval, validate }) Assert.DoesNotContain("images-idx3", line);
    }
}
