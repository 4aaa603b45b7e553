using System.Text.Json;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary>The moving average of a GAN's generator from the command line: np train keeps it (the recipe's β) and says so,
/// np sample, np export and np evaluate-generator use it unless --generator raw, an ONNX export records which generator
/// it holds and draws what its checkpoint draws, and the refusals are one line each.</summary>
public sealed class GeneratorAverageCommandTests : IClassFixture<GeneratorAverageCommandTests.Trained>
{
    private readonly Trained _trained;

    public GeneratorAverageCommandTests(Trained trained) => _trained = trained;

    /// <summary>A GAN after one short epoch on real digits (with its average), both of its ONNX exports, and a GAN trained
    /// without an average.</summary>
    public sealed class Trained : IDisposable
    {
        public readonly TempFolder Folder = new();
        public string Gan => Folder.File("gan.ckpt");
        public string Plain => Folder.File("plain.ckpt");
        public string Ema => Folder.File("gan.onnx");
        public string Raw => Folder.File("gan-raw.onnx");
        public JsonElement Report { get; }
        public JsonElement EmaExport { get; }

        public Trained()
        {
            Report = Json("train", "gan", "--epochs", "1", "--batch-size", "32", "--train-limit", "96", "--out", Gan);
            EmaExport = Json("export", "--model", Gan, "--out", Ema);
            Succeeds("export", "--model", Gan, "--generator", "raw", "--out", Raw);
            Succeeds("train", "gan", "--epochs", "1", "--batch-size", "32", "--train-limit", "64", "--ema", "0", "--out", Plain);
        }

        public void Dispose() => Folder.Dispose();
    }

    private byte[] Sample(string model, params string[] more)
    {
        using var folder = new TempFolder();
        var png = folder.File("grid.png");
        var run = Json(["sample", "--model", model, "--count", "6", "--seed", "3", "--out", png, .. more]);
        return File.ReadAllBytes(png);
    }

    [Fact]
    public void Training_keeps_the_recipes_average_and_says_which_generator_samples()
    {
        Assert.Equal(0.999, _trained.Report.GetProperty("ema_decay").GetDouble(), 6);
        Assert.Equal("ema", _trained.Report.GetProperty("generator").GetString());
        var (_, help, _) = Np("train", "--help");
        Assert.Contains("samples from the EMA generator (β 0.999)", help);
        Assert.Contains("--ema", help);
    }

    [Fact]
    public void Sampling_and_export_use_the_average_unless_asked_for_the_raw_generator()
    {
        var ema = Sample(_trained.Gan);
        Assert.Equal(ema, Sample(_trained.Gan, "--generator", "ema"));
        Assert.Equal(ema, Sample(_trained.Ema));
        var raw = Sample(_trained.Gan, "--generator", "raw");
        Assert.NotEqual(ema, raw);
        Assert.Equal(raw, Sample(_trained.Raw));

        Assert.Equal("ema", _trained.EmaExport.GetProperty("generator").GetString());
        var metadata = _trained.EmaExport.GetProperty("metadata").GetProperty("training").GetString()!;
        Assert.Contains("\"generator_weights\":\"ema\"", metadata.Replace(" ", ""));
        using var folder = new TempFolder();
        Assert.Equal("raw", Json("sample", "--model", _trained.Raw, "--count", "2", "--out", folder.File("r.png")).GetProperty("generator").GetString());
        Assert.Equal("ema", Json("sample", "--model", _trained.Gan, "--count", "2", "--out", folder.File("e.png")).GetProperty("generator").GetString());
    }

    [Fact]
    public void Evaluation_measures_the_average_unless_asked_for_the_raw_generator()
    {
        using var folder = new TempFolder();
        var lenet = folder.File("lenet5.ckpt");
        Succeeds("train", "lenet5", "--epochs", "1", "--train-limit", "300", "--out", lenet);
        JsonElement Evaluate(params string[] more) => Json(["evaluate-generator", "--model", _trained.Gan, "--classifier", lenet, "--samples", "300", .. more]);
        var ema = Evaluate();
        var raw = Evaluate("--generator", "raw");
        Assert.Equal("ema", ema.GetProperty("generator").GetString());
        Assert.Equal("raw", raw.GetProperty("generator").GetString());
        Assert.NotEqual(ema.GetProperty("mmd2").GetDouble(), raw.GetProperty("mmd2").GetDouble());
        Assert.Equal(ema.GetProperty("mmd2").GetDouble(), Evaluate("--generator", "ema").GetProperty("mmd2").GetDouble());
    }

    [Fact]
    public void The_average_samples_with_the_raw_generators_statistics_when_asked_and_only_from_a_checkpoint()
    {
        var standing = Sample(_trained.Gan);
        Assert.Equal(standing, Sample(_trained.Gan, "--average-statistics", "standing"));
        var before = File.ReadAllBytes(_trained.Gan);
        var rawStatistics = Sample(_trained.Gan, "--average-statistics", "raw");
        Assert.NotEqual(standing, rawStatistics);
        Assert.NotEqual(Sample(_trained.Gan, "--generator", "raw"), rawStatistics);   // the average's weights, the raw generator's statistics
        Assert.Equal(before, File.ReadAllBytes(_trained.Gan));   // for this run only

        using var folder = new TempFolder();
        var png = folder.File("x.png");
        var report = Json("sample", "--model", _trained.Gan, "--count", "2", "--average-statistics", "raw", "--out", png, "--force");
        Assert.Equal(("ema", "raw"), (report.GetProperty("generator").GetString(), report.GetProperty("average_statistics").GetString()));
        File.Delete(png);
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Gan, "--generator", "raw", "--average-statistics", "raw", "--out", png], "gan.ckpt", "--generator ema");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Plain, "--average-statistics", "raw", "--out", png], "plain.ckpt", "--generator ema");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Ema, "--average-statistics", "raw", "--out", png], "gan.onnx", "needs the checkpoint");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Gan, "--average-statistics", "mean", "--out", png], "--average-statistics", "standing, raw");
        AssertFailsWithOneLine("evaluate-generator", ["evaluate-generator", "--real", "--classifier", _trained.Gan, "--average-statistics", "raw"], "--average-statistics", "--real");
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void A_generator_the_file_does_not_hold_is_refused_with_one_line_and_nothing_written()
    {
        using var folder = new TempFolder();
        var png = folder.File("x.png");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Ema, "--generator", "raw", "--out", png], "gan.onnx", "ema generator only");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Plain, "--generator", "ema", "--out", png], "plain.ckpt", "no moving average");
        AssertFailsWithOneLine("export", ["export", "--model", _trained.Plain, "--generator", "ema", "--out", folder.File("p.onnx")], "plain.ckpt", "no moving average");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Gan, "--generator", "best", "--out", png], "--generator", "ema, raw");
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
        // The raw generator is the only one of a GAN trained with --ema 0, and what it samples by default.
        Assert.Equal(Sample(_trained.Plain), Sample(_trained.Plain, "--generator", "raw"));
    }

    [Fact]
    public void The_average_is_refused_for_a_classifier_and_a_bad_beta_on_resume_leaves_the_file_as_it_was()
    {
        using var folder = new TempFolder();
        var copy = folder.File("g.ckpt");
        File.Copy(_trained.Gan, copy);
        AssertFailsWithOneLine("train", ["train", "--resume", copy, "--epochs", "2", "--ema", "1.5", "--train-limit", "96"], "[0, 1)", "got 1.5");
        AssertFailsWithOneLine("train", ["train", "--resume", copy, "--ema", "0.9", "--train-limit", "96"], "--ema 0.9", "already trained all 1", "larger --epochs");
        AssertFailsWithOneLine("train", ["train", "gan", "--ema", "1", "--train-limit", "32", "--out", folder.File("h.ckpt")], "[0, 1)", "got 1");
        AssertFailsWithOneLine("train", ["train", "mlp", "--ema", "0.9", "--train-limit", "32", "--out", folder.File("m.ckpt")], "--ema", "generative");
        Assert.Equal(File.ReadAllBytes(_trained.Gan), File.ReadAllBytes(copy));
        Assert.Equal(["g.ckpt"], Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
    }

    /// <summary><c>--ema β</c> with <c>--resume</c> starts a new average from the generator as it stands: the same network,
    /// bit for bit, whether the file kept an average (replaced, and said so) or none (a run trained with <c>--ema 0</c>, or
    /// written before averages existed: the documented Fashion-MNIST run). The raw generator is untouched by either, and
    /// <c>--ema 0</c> drops the average.</summary>
    [Fact]
    public void An_average_started_on_resume_is_the_same_whether_the_file_kept_one_or_not()
    {
        using var folder = new TempFolder();
        string[] common = ["--epochs", "1", "--batch-size", "32", "--train-limit", "64"];
        Succeeds(["train", "gan", .. common, "--out", folder.File("with.ckpt")]);
        Succeeds(["train", "gan", .. common, "--ema", "0", "--out", folder.File("without.ckpt")]);
        var (code, stdout, stderr) = Np("train", "--resume", folder.File("with.ckpt"), "--epochs", "2", "--ema", "0.99", "--train-limit", "64", "--out", folder.File("with2.ckpt"));
        Assert.True(code == 0, stderr);
        Assert.Contains("--ema 0.99: the moving average", stdout);
        Assert.Contains("is replaced by a new one", stdout);
        var restarted = Json("train", "--resume", folder.File("without.ckpt"), "--epochs", "2", "--ema", "0.99", "--train-limit", "64", "--out", folder.File("without2.ckpt"));
        Assert.Equal("ema", restarted.GetProperty("generator").GetString());
        Assert.Equal(0.99, restarted.GetProperty("ema_decay").GetDouble(), 6);
        Succeeds("train", "--resume", folder.File("with.ckpt"), "--epochs", "2", "--train-limit", "64", "--out", folder.File("kept2.ckpt"));

        Assert.Equal(Sample(folder.File("with2.ckpt")), Sample(folder.File("without2.ckpt")));
        Assert.NotEqual(Sample(folder.File("with2.ckpt")), Sample(folder.File("kept2.ckpt")));
        var raw = Sample(folder.File("kept2.ckpt"), "--generator", "raw");
        Assert.Equal(raw, Sample(folder.File("with2.ckpt"), "--generator", "raw"));
        Assert.Equal(raw, Sample(folder.File("without2.ckpt"), "--generator", "raw"));

        var dropped = Json("train", "--resume", folder.File("with.ckpt"), "--epochs", "2", "--ema", "0", "--train-limit", "64", "--out", folder.File("dropped2.ckpt"));
        Assert.Equal("raw", dropped.GetProperty("generator").GetString());
        Assert.Equal(raw, Sample(folder.File("dropped2.ckpt")));
    }
}
