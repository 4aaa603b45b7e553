using System.Text.Json;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary>The two knobs of the Fashion-MNIST GAN experiments from the command line: <c>--truncation T</c> on np sample
/// and np evaluate-generator (the same seed and T draw the same images from a checkpoint and its ONNX export; reported in
/// --json; refused for uniform noise or a T that is not positive, one line and nothing written), <c>--rejection P</c>
/// (discriminator rejection sampling: seeded, reported, refused without a GAN checkpoint's discriminator), and
/// <c>np train … --lr-decay-epochs K</c> (saved, reported, settable on --resume only for epochs still to come).</summary>
public sealed class SamplingScheduleCommandTests : IClassFixture<SamplingScheduleCommandTests.Trained>
{
    private readonly Trained _trained;

    public SamplingScheduleCommandTests(Trained trained) => _trained = trained;

    /// <summary>A GAN after two short epochs on real digits, the second with a decaying rate, its ONNX export, and a GMMN
    /// (uniform noise) after one.</summary>
    public sealed class Trained : IDisposable
    {
        public readonly TempFolder Folder = new();
        public string Gan => Folder.File("gan.ckpt");
        public string Onnx => Folder.File("gan.onnx");
        public string Gmmn => Folder.File("gmmn.ckpt");
        public JsonElement Report { get; }

        public Trained()
        {
            Report = Json("train", "gan", "--epochs", "2", "--lr-decay-epochs", "1", "--batch-size", "32", "--train-limit", "64", "--out", Gan);
            Succeeds("export", "--model", Gan, "--out", Onnx);
            Succeeds("train", "gmmn", "--epochs", "1", "--batch-size", "500", "--train-limit", "500", "--out", Gmmn);
        }

        public void Dispose() => Folder.Dispose();
    }

    private static byte[] Sample(string model, string png, params string[] more) => SampleReporting("--truncation", "truncation", model, png, more);

    /// <summary>Eight images from <paramref name="model"/> with seed 3 and <paramref name="more"/> options, as PNG bytes;
    /// np sample's --json must report <paramref name="option"/>'s value (null when absent) under <paramref name="key"/>.</summary>
    internal static byte[] SampleReporting(string option, string key, string model, string png, string[] more)
    {
        var run = Json(["sample", "--model", model, "--count", "8", "--seed", "3", "--out", png, .. more]);
        double? asked = more.Contains(option) ? double.Parse(more[Array.IndexOf(more, option) + 1], System.Globalization.CultureInfo.InvariantCulture) : null;
        double? reported = run.GetProperty(key).ValueKind == JsonValueKind.Null ? null : run.GetProperty(key).GetDouble();
        Assert.Equal(asked, reported);
        return File.ReadAllBytes(png);
    }

    [Fact]
    public void The_checkpoint_and_its_onnx_export_draw_the_same_truncated_images_for_the_same_seed_and_t()
    {
        using var folder = new TempFolder();
        var plain = Sample(_trained.Gan, folder.File("plain.png"));
        var ckpt = Sample(_trained.Gan, folder.File("ckpt.png"), "--truncation", "0.7");
        // Our forward pass and ONNX Runtime agree to about 1e-6, not to the bit, so a pixel whose value sits on a rounding
        // boundary may land one grey level apart; the noise (what truncation changes) must be the same.
        Sample(_trained.Onnx, folder.File("onnx.png"), "--truncation", "0.7");
        AssertSamePixelsWithinOneLevel(folder.File("ckpt.png"), folder.File("onnx.png"));
        Assert.NotEqual(plain, ckpt);
        Assert.NotEqual(ckpt, Sample(_trained.Onnx, folder.File("other.png"), "--truncation", "1.5"));
        // A T beyond every drawn component leaves the noise as it was.
        Assert.Equal(plain, Sample(_trained.Gan, folder.File("wide.png"), "--truncation", "100"));
    }

    internal static void AssertSamePixelsWithinOneLevel(string expected, string actual)
    {
        using var a = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.L8>(expected);
        using var b = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.L8>(actual);
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        var pa = new SixLabors.ImageSharp.PixelFormats.L8[a.Width * a.Height];
        var pb = new SixLabors.ImageSharp.PixelFormats.L8[pa.Length];
        a.CopyPixelDataTo(pa);
        b.CopyPixelDataTo(pb);
        int worst = pa.Zip(pb, (x, y) => Math.Abs(x.PackedValue - y.PackedValue)).Max();
        Assert.True(worst <= 1, $"{actual} differs from {expected} by up to {worst} grey levels");
    }

    [Fact]
    public void Evaluation_reports_the_truncation_and_the_rejection_it_sampled_with()
    {
        using var folder = new TempFolder();
        var lenet = folder.File("lenet5.ckpt");
        Succeeds("train", "lenet5", "--epochs", "1", "--train-limit", "300", "--out", lenet);
        JsonElement Evaluate(params string[] more) => Json(["evaluate-generator", "--model", _trained.Gan, "--classifier", lenet, "--samples", "300", .. more]);
        var plain = Evaluate();
        var truncated = Evaluate("--truncation", "0.5");
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("truncation").ValueKind);
        Assert.Equal(0.5, truncated.GetProperty("truncation").GetDouble());
        Assert.NotEqual(plain.GetProperty("mmd2").GetDouble(), truncated.GetProperty("mmd2").GetDouble());
        Assert.Equal(truncated.GetProperty("mmd2").GetDouble(), Evaluate("--truncation", "0.5").GetProperty("mmd2").GetDouble());
        AssertFailsWithOneLine("evaluate-generator", ["evaluate-generator", "--real", "--classifier", lenet, "--truncation", "1"], "--truncation", "--real");

        Assert.Equal(JsonValueKind.Null, plain.GetProperty("rejection").ValueKind);
        var kept = Evaluate("--rejection", "0.8").GetProperty("rejection");
        Assert.Equal(300, kept.GetProperty("accepted").GetInt32());
        Assert.True(kept.GetProperty("candidates").GetInt32() > 300);
        AssertFailsWithOneLine("evaluate-generator", ["evaluate-generator", "--real", "--classifier", lenet, "--rejection", "0.8"], "--rejection", "--real");
    }

    [Fact]
    public void Rejection_sampling_keeps_the_same_images_for_the_same_seed_and_reports_what_it_kept()
    {
        using var folder = new TempFolder();
        var plain = Sample(_trained.Gan, folder.File("plain.png"));
        JsonElement Reject(string png, string percentile, string seed = "3") =>
            Json("sample", "--model", _trained.Gan, "--count", "8", "--seed", seed, "--out", folder.File(png), "--rejection", percentile);
        var run = Reject("a.png", "0.9");
        var kept = run.GetProperty("rejection");
        Assert.Equal(0.9, kept.GetProperty("percentile").GetDouble());
        Assert.Equal(8, kept.GetProperty("accepted").GetInt32());
        Assert.InRange(kept.GetProperty("candidates").GetInt32(), 8, 10_000);
        Assert.InRange(kept.GetProperty("acceptance_rate").GetDouble(), 1e-4, 1);
        Reject("b.png", "0.9");
        Assert.Equal(File.ReadAllBytes(folder.File("a.png")), File.ReadAllBytes(folder.File("b.png")));
        Assert.NotEqual(plain, File.ReadAllBytes(folder.File("a.png")));
        Reject("c.png", "0.9", seed: "4");
        Assert.NotEqual(File.ReadAllBytes(folder.File("a.png")), File.ReadAllBytes(folder.File("c.png")));
    }

    [Fact]
    public void Rejection_without_a_gan_checkpoint_or_outside_zero_to_one_is_refused_with_one_line_and_nothing_written()
    {
        using var folder = new TempFolder();
        var png = folder.File("x.png");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Onnx, "--rejection", "0.9", "--out", png], "gan.onnx", "discriminator");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Gmmn, "--rejection", "0.9", "--out", png], "gmmn.ckpt", "discriminator");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Gan, "--rejection", "1.5", "--out", png], "--rejection", "between 0 and 1");
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Truncating_uniform_noise_or_by_a_non_positive_t_is_refused_with_one_line_and_nothing_written()
    {
        using var folder = new TempFolder();
        var png = folder.File("x.png");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Gmmn, "--truncation", "1", "--out", png], "gmmn.ckpt", "applies to normal noise");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Gan, "--truncation", "0", "--out", png], "gan.ckpt", "positive number");
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Onnx, "--truncation", "-2", "--out", png], "gan.onnx", "positive number");
        // Audit H1: --truncation 1e-30 hung, redrawing each component until it fell into [−T, T] (0.005 would finish, so a
        // missing check fails this test rather than hanging it).
        AssertFailsWithOneLine("sample", ["sample", "--model", _trained.Gan, "--truncation", "0.005", "--out", png], "gan.ckpt", "--truncation 0.005", "at least 0.01");
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Training_saves_and_reports_the_decay_and_a_resume_may_set_it_only_for_epochs_to_come()
    {
        Assert.Equal(1, _trained.Report.GetProperty("learning_rate_decay_epochs").GetInt32());
        var (_, help, _) = Np("train", "--help");
        Assert.Contains("--lr-decay-epochs", help);

        using var folder = new TempFolder();
        var copy = folder.File("g.ckpt");
        File.Copy(_trained.Gan, copy);
        // Two epochs done: a decay over the last 3 of 4 would have changed the rate of epoch 2.
        AssertFailsWithOneLine("train", ["train", "--resume", copy, "--epochs", "4", "--lr-decay-epochs", "3", "--train-limit", "64"], "--lr-decay-epochs 3", "at most 2");
        AssertFailsWithOneLine("train", ["train", "mlp", "--lr-decay-epochs", "2", "--train-limit", "32", "--out", folder.File("m.ckpt")], "--lr-decay-epochs", "generative");
        Assert.Equal(File.ReadAllBytes(_trained.Gan), File.ReadAllBytes(copy));
        var resumed = Json("train", "--resume", copy, "--epochs", "3", "--lr-decay-epochs", "1", "--train-limit", "64");
        Assert.Equal(3, resumed.GetProperty("epochs").GetInt32());
        Assert.Equal(1, resumed.GetProperty("learning_rate_decay_epochs").GetInt32());
    }
}
