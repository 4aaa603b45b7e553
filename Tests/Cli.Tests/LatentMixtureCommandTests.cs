using System.Text.Json;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary>A GAN whose noise is a mixture of Gaussians, from the command line: <c>np train gan --latent-mixture K</c>
/// stores the components with the model (checkpoint and ONNX export), and <c>--component-sd S</c> on np sample and np
/// evaluate-generator narrows them: the same seed and S draw the same images from the checkpoint and its export, and the
/// option is refused, one line and nothing written, where there are no components to narrow.</summary>
public sealed class LatentMixtureCommandTests : IClassFixture<LatentMixtureCommandTests.Trained>
{
    private readonly Trained _trained;

    public LatentMixtureCommandTests(Trained trained) => _trained = trained;

    /// <summary>A GAN of three components after one short epoch on real digits, its ONNX export, and a GAN of normal noise.</summary>
    public sealed class Trained : IDisposable
    {
        public readonly TempFolder Folder = new();
        public string Mixed => Folder.File("mixed.ckpt");
        public string Onnx => Folder.File("mixed.onnx");
        public string Normal => Folder.File("normal.ckpt");
        public JsonElement Report { get; }

        public Trained()
        {
            Report = Json("train", "gan", "--latent-mixture", "3", "--epochs", "1", "--batch-size", "32", "--train-limit", "64", "--out", Mixed);
            Succeeds("export", "--model", Mixed, "--out", Onnx);
            Succeeds("train", "gan", "--epochs", "1", "--batch-size", "32", "--train-limit", "64", "--out", Normal);
        }

        public void Dispose() => Folder.Dispose();
    }

    private static byte[] Sample(string model, string png, params string[] more) =>
        SamplingScheduleCommandTests.SampleReporting("--component-sd", "component_sd", model, png, more);

    [Fact]
    public void Training_reports_the_mixture_and_a_resume_keeps_it()
    {
        Assert.Equal(3, _trained.Report.GetProperty("latent_components").GetInt32());
        var (_, help, _) = Np("train", "--help");
        Assert.Contains("--latent-mixture", help);
        using var folder = new TempFolder();
        var copy = folder.File("g.ckpt");
        File.Copy(_trained.Mixed, copy);
        AssertFailsWithOneLine("train", ["train", "--resume", copy, "--epochs", "2", "--latent-mixture", "5", "--train-limit", "64"], "--latent-mixture", "--resume");
        Assert.Equal(File.ReadAllBytes(_trained.Mixed), File.ReadAllBytes(copy));
        var resumed = Json("train", "--resume", copy, "--epochs", "2", "--train-limit", "64");
        Assert.Equal(3, resumed.GetProperty("latent_components").GetInt32());
    }

    [Fact]
    public void The_checkpoint_and_its_onnx_export_draw_the_same_images_for_the_same_seed_and_component_sd()
    {
        using var folder = new TempFolder();
        var plain = Sample(_trained.Mixed, folder.File("plain.png"));
        var narrow = Sample(_trained.Mixed, folder.File("ckpt.png"), "--component-sd", "0.5");
        Sample(_trained.Onnx, folder.File("onnx.png"), "--component-sd", "0.5");
        SamplingScheduleCommandTests.AssertSamePixelsWithinOneLevel(folder.File("ckpt.png"), folder.File("onnx.png"));
        Sample(_trained.Onnx, folder.File("onnx-plain.png"));
        SamplingScheduleCommandTests.AssertSamePixelsWithinOneLevel(folder.File("plain.png"), folder.File("onnx-plain.png"));
        Assert.NotEqual(plain, narrow);
        // The training σ (1) is what an absent option draws with.
        Assert.Equal(plain, Sample(_trained.Mixed, folder.File("one.png"), "--component-sd", "1"));
    }

    [Fact]
    public void Evaluation_reports_the_component_sd_it_sampled_with()
    {
        using var folder = new TempFolder();
        var lenet = folder.File("lenet5.ckpt");
        Succeeds("train", "lenet5", "--epochs", "1", "--train-limit", "300", "--out", lenet);
        JsonElement Evaluate(params string[] more) => Json(["evaluate-generator", "--model", _trained.Mixed, "--classifier", lenet, "--samples", "300", .. more]);
        var plain = Evaluate();
        var narrow = Evaluate("--component-sd", "0.4");
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("component_sd").ValueKind);
        Assert.Equal(0.4, narrow.GetProperty("component_sd").GetDouble(), 6);
        Assert.NotEqual(plain.GetProperty("mmd2").GetDouble(), narrow.GetProperty("mmd2").GetDouble());
        AssertFailsWithOneLine("evaluate-generator", ["evaluate-generator", "--real", "--classifier", lenet, "--component-sd", "0.5"], "--component-sd", "--real");
    }

    [Fact]
    public void A_mixture_is_refused_where_it_does_not_apply_with_one_line_and_nothing_written()
    {
        using var folder = new TempFolder();
        var png = folder.File("x.png");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Normal, "--component-sd", "0.5", "--out", png], "normal.ckpt", "not a mixture");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Mixed, "--component-sd", "0", "--out", png], "mixed.ckpt", "positive number");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Onnx, "--component-sd", "-1", "--out", png], "mixed.onnx", "positive number");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Mixed, "--truncation", "1", "--out", png], "mixed.ckpt", "--component-sd");
        AssertFailsWithOneLine("train", ["train", "gmmn", "--latent-mixture", "3", "--train-limit", "64", "--out", folder.File("g.ckpt")], "--latent-mixture", "gmmn");
        AssertFailsWithOneLine("train", ["train", "gan", "--latent-mixture", "0", "--train-limit", "64", "--out", folder.File("g.ckpt")], "--latent-mixture", "at least 1");
        // Audit H6: 100,000,000 components overflowed the means' array after the header, naming no option.
        AssertFailsWithOneLine("train", ["train", "gan", "--latent-mixture", "100000000", "--train-limit", "64", "--out", folder.File("g.ckpt")], "--latent-mixture", "to 10,000, got 100000000");
        AssertFailsWithOneLine("train", ["train", "mlp", "--latent-mixture", "3", "--train-limit", "64", "--out", folder.File("m.ckpt")], "--latent-mixture", "gan");
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }
}
