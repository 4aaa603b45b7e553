using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary>Values of np train's options that would train nothing or poison the checkpoint are refused with one line before
/// anything is trained or written, for every kind of training (classifier, generative model, colorizer).</summary>
public sealed class TrainingOptionRangeTests
{
    /// <summary>Audit M5: --epochs 0 reported a test accuracy of NaN and named a checkpoint that was never written.</summary>
    [Theory]
    [InlineData("mlp")]
    [InlineData("gan")]
    [InlineData("colorize")]
    public void Zero_epochs_are_refused_like_negative_ones(string kind)
    {
        using var temp = new TempFolder();
        var ckpt = temp.File("e0.ckpt");
        string[] run = kind == "colorize" ? ["train", "colorize", "--size", "32", "--ngf", "2"] : ["train", kind, "--train-limit", "64"];
        foreach (var epochs in new[] { "0", "-1" })
            AssertFailsWithOneLine(kind == "colorize" ? "train colorize" : "train", [.. run, "--epochs", epochs, "--out", ckpt, "--json"], $"--epochs must be at least 1, got {epochs}.");
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    /// <summary>Audit L2: NaN for --l2, --l1 and --dropout was taken and saved in the checkpoint as "NaN", as --lr NaN is not;
    /// ∞ is no value for them either, nor for the colorizer's --lr and --lambda, nor for an augmentation's parts.</summary>
    [Theory]
    [InlineData("--l2", "NaN", "Regularisation λ must be a finite number ≥ 0")]
    [InlineData("--l2", "Infinity", "Regularisation λ must be a finite number ≥ 0")]
    [InlineData("--l1", "NaN", "Regularisation λ must be a finite number ≥ 0")]
    [InlineData("--dropout", "NaN", "Dropout rate must be in [0, 1), got NaN")]
    [InlineData("--dropout", "-0.5", "Dropout rate must be in [0, 1), got -0.5")]
    [InlineData("--augment", "rotate=NaN", "is out of range")]
    [InlineData("--augment", "blur=NaN", "is out of range")]
    public void Non_finite_values_of_a_classifiers_options_are_refused(string option, string value, string words)
    {
        using var temp = new TempFolder();
        var ckpt = temp.File("n.ckpt");
        AssertFailsWithOneLine("train", ["train", "mlp", option, value, "--epochs", "1", "--train-limit", "64", "--out", ckpt], words);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Theory]
    [InlineData("--lr", "Infinity", "--lr must be a positive number, got")]
    [InlineData("--lr", "NaN", "--lr must be a positive number, got NaN")]
    [InlineData("--lambda", "Infinity", "--lambda must be a finite number ≥ 0, got")]
    public void Non_finite_values_of_the_colorizers_options_are_refused(string option, string value, string words)
    {
        using var temp = new TempFolder();
        AssertFailsWithOneLine("train colorize", ["train", "colorize", "--size", "32", "--ngf", "2", option, value, "--epochs", "1", "--out", temp.File("c.ckpt")], words);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }
}
