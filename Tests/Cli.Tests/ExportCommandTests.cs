using NeuralPipelines.Models.Checkpoints;
using System.Text.Json;
using NeuralPipelines.Cli;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary><c>np export</c> on a checkpoint written by <c>np train</c>, and on files that are not good checkpoints.</summary>
public sealed class ExportCommandTests
{
    internal static string Train(TempFolder temp)
    {
        var ckpt = temp.File("mlp.ckpt");
        var (code, _, err) = Np("train", "mlp", "--layers", "784,24,10", "--activation", "relu", "--init", "he", "--cost", "log-likelihood",
            "--epochs", "1", "--train-limit", "600", "--no-train-eval", "--normalize", "--lr", "0.05", "--out", ckpt, "--json");
        Assert.True(code == 0, $"np train failed: {err}");
        return ckpt;
    }

    [Fact]
    public void A_trained_checkpoint_exports_to_onnx_that_predicts_like_the_trainer()
    {
        using var temp = new TempFolder();
        var ckpt = Train(temp);
        var onnx = temp.File("mlp.onnx");
        var (code, stdout, err) = Np("export", "--model", ckpt, "--out", onnx, "--json");
        Assert.True(code == 0, err);

        using var report = JsonDocument.Parse(stdout);
        var root = report.RootElement;
        Assert.True(root.GetProperty("parity_max_error").GetDouble() <= 1e-4);
        Assert.Equal(17, root.GetProperty("opset").GetInt32());
        Assert.Equal("mlp", root.GetProperty("metadata").GetProperty("architecture").GetString());
        Assert.Contains("test_accuracy", root.GetProperty("metadata").GetProperty("metrics").GetString());
        Assert.Contains("mean", root.GetProperty("metadata").GetProperty("normalization").GetString());

        // The ONNX model takes raw pixels; the trainer's network takes normalised ones.
        var checkpoint = ClassifierCheckpoint.Load(ckpt).Model;
        var test = IdxImageFolder.Load(ShippedData.Mnist, "mnist").Test.Take(200);
        using var scorer = OnnxScorer.Load(onnx, new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = 1 });
        var onnxClasses = scorer.Predict(test.Pixels, test.Count);
        var x = (float[])test.Pixels.Clone();
        for (int i = 0; i < test.Count; i++) checkpoint.Normalization!.Apply(x.AsSpan(i * 784, 784), 1);
        var logits = checkpoint.Network.Forward(new Tensor(x, test.Count, 1, 28, 28), training: false);
        var ours = Enumerable.Range(0, test.Count).Select(i => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits.Span.Slice(i * 10, 10))).ToArray();
        Assert.Equal(ours, onnxClasses);
        Assert.Equal(checkpoint.ClassLabels, scorer.Card!.ClassLabels);
    }

    [Theory]
    [InlineData("lenet5")]
    [InlineData("resnet")]
    public void A_zoo_checkpoint_from_np_train_exports_within_tolerance(string architecture)
    {
        using var temp = new TempFolder();
        var ckpt = temp.File($"{architecture}.ckpt");
        var (trained, _, trainErr) = Np("train", architecture, "--epochs", "1", "--train-limit", "100", "--batch-size", "20",
            "--no-train-eval", "--normalize", "--out", ckpt, "--json");
        Assert.True(trained == 0, trainErr);
        var (code, stdout, err) = Np("export", "--model", ckpt, "--out", temp.File($"{architecture}.onnx"), "--json");
        Assert.True(code == 0, err);
        using var report = JsonDocument.Parse(stdout);
        Assert.True(report.RootElement.GetProperty("parity_max_error").GetDouble() <= 1e-4);
        Assert.Equal(architecture, report.RootElement.GetProperty("architecture").GetString());
    }

    [Fact]
    public void With_mlnet_it_also_writes_a_zip_that_validates_like_the_onnx_file()
    {
        using var temp = new TempFolder();
        var ckpt = Train(temp);
        var onnx = temp.File("mlp.onnx");
        var zip = temp.File("mlp.zip");
        var (code, _, err) = Np("export", "--model", ckpt, "--out", onnx, "--mlnet", zip);
        Assert.True(code == 0, err);
        using var a = NeuralPipelines.Onnx.Validation.SavedModel.Load(onnx);
        using var b = NeuralPipelines.Onnx.Validation.SavedModel.Load(zip);
        Assert.Equal("mlnet", b.Format);
        Assert.Equal(a.Evaluate("mnist", limit: 300).Confusion, b.Evaluate("mnist", limit: 300).Confusion);
    }

    [Fact]
    public void A_truncated_checkpoint_gives_one_line_a_non_zero_exit_and_no_file()
    {
        using var temp = new TempFolder();
        var ckpt = Train(temp);
        var bytes = File.ReadAllBytes(ckpt);
        var broken = temp.File("broken.ckpt");
        File.WriteAllBytes(broken, bytes[..(bytes.Length * 2 / 3)]);
        var onnx = temp.File("out.onnx");
        var (code, stdout, err) = Np("export", "--model", broken, "--out", onnx);
        Assert.NotEqual(0, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("np export: error: ", line);
        Assert.Contains(broken, line);
        // docs/ONNX.md quotes this line: the checksum is what finds a cut after the header.
        Assert.Contains("the checkpoint is damaged: its CRC-32C is", line);
        Assert.Contains("(a changed or truncated file; restore it from a copy or train again)", line);
        Assert.False(File.Exists(onnx));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_refused_by_name()
    {
        using var temp = new TempFolder();
        var notes = temp.Write("notes.ckpt", "hello");
        var onnx = temp.File("out.onnx");
        var (code, _, err) = Np("export", "--model", notes, "--out", onnx);
        Assert.NotEqual(0, code);
        Assert.Contains(notes, err);
        Assert.False(File.Exists(onnx));
    }

    [Fact]
    public void Export_help_explains_the_outputs()
    {
        var (code, stdout, _) = Np("export", "--help");
        Assert.Equal(0, code);
        Assert.Contains("probabilities", stdout);
        Assert.Contains("--out", stdout);
    }
}
