using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary><c>np train gan</c>'s variants of the game from the command line: each option reaches the run (its JSON
/// report and the checkpoint a resume reads), a resume refuses them, and a bad value or a model without a discriminator
/// is refused in one line that names the option, with nothing written.</summary>
public sealed class GanVariantsCommandTests
{
    [Fact]
    public void Each_option_reaches_the_run_and_a_resume_keeps_them()
    {
        using var folder = new TempFolder();
        var path = folder.File("g.ckpt");
        var report = Json("train", "gan", "--features", "8", "--lr", "1e-4", "--discriminator-lr", "4e-4", "--label-smoothing", "0.1", "--top-k", "0.5",
            "--latent-mixture", "4", "--component-sd", "0.75", "--epochs", "1", "--batch-size", "32", "--train-limit", "64", "--out", path);
        Assert.Equal(8, report.GetProperty("features").GetInt32());
        Assert.Equal(4e-4f, report.GetProperty("discriminator_lr").GetSingle());
        Assert.Equal(0.1f, report.GetProperty("label_smoothing").GetSingle());
        Assert.Equal(0.5f, report.GetProperty("top_k").GetSingle());
        Assert.Equal(4, report.GetProperty("latent_components").GetInt32());
        Assert.Equal(0.75f, report.GetProperty("component_sd").GetSingle());

        var before = File.ReadAllBytes(path);
        AssertFailsWithOneLine("train", ["train", "--resume", path, "--epochs", "2", "--top-k", "0.25", "--train-limit", "64"], "--top-k", "--resume");
        Assert.Equal(before, File.ReadAllBytes(path));
        var resumed = Json("train", "--resume", path, "--epochs", "2", "--train-limit", "64");
        Assert.Equal(8, resumed.GetProperty("features").GetInt32());
        Assert.Equal(4e-4f, resumed.GetProperty("discriminator_lr").GetSingle());
        Assert.Equal(0.5f, resumed.GetProperty("top_k").GetSingle());
        Assert.Equal(0.75f, resumed.GetProperty("component_sd").GetSingle());

        var plain = Json("train", "gan", "--epochs", "1", "--batch-size", "32", "--train-limit", "32", "--out", folder.File("p.ckpt"));
        Assert.Equal(64, plain.GetProperty("features").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, plain.GetProperty("discriminator_lr").ValueKind);
        Assert.Equal(0f, plain.GetProperty("label_smoothing").GetSingle());
        Assert.Equal(1f, plain.GetProperty("top_k").GetSingle());
        var (_, help, _) = Np("train", "--help");
        foreach (var option in new[] { "--features", "--discriminator-lr", "--label-smoothing", "--top-k", "--component-sd" }) Assert.Contains(option, help);
    }

    [Theory]
    [InlineData("--top-k", "0", "(0, 1]")]
    [InlineData("--top-k", "1.5", "(0, 1]")]
    [InlineData("--label-smoothing", "0.5", "[0, 0.5)")]
    [InlineData("--discriminator-lr", "0", "positive")]
    [InlineData("--features", "0", "feature")]
    public void A_value_out_of_range_is_refused_naming_its_option(string option, string value, string says)
    {
        using var folder = new TempFolder();
        var path = folder.File("g.ckpt");
        AssertFailsWithOneLine("train", ["train", "gan", option, value, "--epochs", "1", "--train-limit", "32", "--out", path], option, says);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Models_without_a_discriminator_or_a_mixture_refuse_them()
    {
        using var folder = new TempFolder();
        AssertFailsWithOneLine("train", ["train", "gmmn", "--top-k", "0.5", "--train-limit", "32", "--out", folder.File("g.ckpt")], "--top-k", "gmmn");
        AssertFailsWithOneLine("train", ["train", "mlp", "--label-smoothing", "0.1", "--train-limit", "32", "--out", folder.File("m.ckpt")], "--label-smoothing", "gan");
        AssertFailsWithOneLine("train", ["train", "gan", "--component-sd", "0.5", "--train-limit", "32", "--out", folder.File("n.ckpt")], "--component-sd", "--latent-mixture");
        Assert.Empty(Directory.GetFiles(folder.Path));
    }
}
