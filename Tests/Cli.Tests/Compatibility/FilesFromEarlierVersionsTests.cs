using System.Globalization;
using System.Text.Json;
using NeuralPipelines.Data;
using NeuralPipelines.Tests;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests.Compatibility;

/// <summary>Files that earlier builds of np wrote still load and give the answers those builds gave (README.md beside this
/// file names the commit and the command behind each file and each expected answer).</summary>
/// <remarks>
/// Users keep checkpoints, ONNX files and zips across upgrades; a synthesised old format only proves what its author
/// remembered of it, so these are the real files. Counts, classes and confusion matrices must match exactly; a mean cost,
/// log-loss or confidence may move by 1e-6 of itself, and a score by 1e-5 (the kernels' summation order is not a
/// promise); a PNG's channel by one level of 255 (a float on a rounding boundary).
/// </remarks>
public sealed class FilesFromEarlierVersionsTests
{
    private const double Relative = 1e-6, ScoreTolerance = 1e-5;

    private static string Golden(string version, params string[] parts) =>
        Path.Combine([Repository.Root, "Tests", "Cli.Tests", "Compatibility", version, .. parts]);

    private static JsonElement Expected(string version, string name) =>
        JsonDocument.Parse(File.ReadAllText(Golden(version, "expected", name))).RootElement;

    [Theory]
    [InlineData("1c7fe1e")] // checkpoint version 1
    [InlineData("01088a2")] // version 2
    [InlineData("e1a279b")] // version 3, with the training set's normalisation
    public void A_classifier_checkpoint_evaluates_as_it_did(string version) =>
        AssertSameEvaluation(Expected(version, "eval-mlp.json"), Json("eval", "--model", Golden(version, "mlp.ckpt")));

    [Theory]
    [InlineData("1c7fe1e", 300)]
    [InlineData("01088a2", 300)]
    [InlineData("e1a279b", 200)]
    public void A_classifier_checkpoint_resumes_to_the_model_it_resumed_to(string version, int trainLimit)
    {
        using var temp = new TempFolder();
        var resumed = temp.File("resumed.ckpt");
        Json("train", "--resume", Golden(version, "mlp.ckpt"), "--epochs", "2", "--train-limit", trainLimit.ToString(CultureInfo.InvariantCulture), "--out", resumed);
        AssertSameEvaluation(Expected(version, "eval-mlp-resumed.json"), Json("eval", "--model", resumed));
    }

    [Theory]
    [InlineData("mlp.onnx")]
    [InlineData("mlp.zip")]
    public void The_first_exported_network_validates_as_it_did(string file) =>
        AssertSameValidation(Expected("1c7fe1e", $"validate-{file}.json"), Json("validate", "--model", Golden("1c7fe1e", file)));

    [Fact]
    public void A_version_1_checkpoint_exports_to_the_network_its_own_build_exported()
    {
        using var temp = new TempFolder();
        string onnx = temp.File("mlp.onnx"), zip = temp.File("mlp.zip");
        Json("export", "--model", Golden("1c7fe1e", "mlp.ckpt"), "--out", onnx, "--mlnet", zip);
        AssertSameValidation(Expected("1c7fe1e", "validate-mlp.onnx.json"), Json("validate", "--model", onnx));
        AssertSameValidation(Expected("1c7fe1e", "validate-mlp.zip.json"), Json("validate", "--model", zip));
    }

    [Theory]
    [InlineData("iris.zip", "iris", "score-iris.csv")]
    [InlineData("diabetes.zip", "diabetes", "score-diabetes.csv")]
    [InlineData("cancer.zip", "breast-cancer", "score-cancer.csv")] // the old output's target and prediction columns only
    public void A_tabular_zip_scores_its_table_as_it_did(string zip, string table, string expected)
    {
        using var temp = new TempFolder();
        var output = temp.File("predictions.csv");
        Json("score", "--model", Golden("1c7fe1e", zip), "--data", table, "--output", output);
        var before = ReadCsv(Golden("1c7fe1e", "expected", expected));
        var now = ReadCsv(output);
        Assert.Equal(before.Count, now.Count);
        int[] columns = before[0].Select(name => Array.IndexOf(now[0], name)).ToArray();
        Assert.DoesNotContain(-1, columns);
        for (int r = 1; r < before.Count; r++)
            for (int c = 0; c < columns.Length; c++)
                AssertSameCell(before[r][c], now[r][columns[c]], $"{zip}, row {r}, column {before[0][c]}");
    }

    [Theory]
    [InlineData("colorizer.ckpt")]
    [InlineData("colorizer.onnx")]
    public void The_first_colorizer_colours_photos_as_it_did(string file)
    {
        using var temp = new TempFolder();
        var output = Path.Combine(temp.Path, "out");
        Json("colorize", "--model", Golden("01088a2", file), "--input", TwoPhotos(temp), "--out", output);
        AssertSamePngs(Golden("01088a2", "expected", "colorized"), output);
    }

    [Fact]
    public void The_first_colorizer_resumes_to_the_colorizer_it_resumed_to()
    {
        using var temp = new TempFolder();
        string resumed = temp.File("resumed.ckpt"), output = Path.Combine(temp.Path, "out");
        Json("train", "colorize", "--resume", Golden("01088a2", "colorizer.ckpt"), "--epochs", "2", "--train-limit", "16", "--out", resumed);
        Json("colorize", "--model", resumed, "--input", TwoPhotos(temp), "--out", output);
        AssertSamePngs(Golden("01088a2", "expected", "colorized-resumed"), output);
    }

    [Theory]
    [InlineData("gan.ckpt", null, "samples")]          // the moving average, which np sample draws from by default
    [InlineData("gan.ckpt", "raw", "samples-raw")]
    [InlineData("gan.onnx", null, "samples")]          // the export is the moving average, with the latent mixture in its card
    public void A_gan_with_a_latent_mixture_and_an_average_samples_as_it_did(string file, string? weights, string expected)
    {
        using var temp = new TempFolder();
        var output = Path.Combine(temp.Path, "out");
        string[] which = weights is null ? [] : ["--generator", weights];
        Json(["sample", "--model", Golden("e1a279b", file), "--count", "4", "--seed", "7", "--out", output, .. which]);
        AssertSamePngs(Golden("e1a279b", "expected", expected), output);
    }

    [Fact]
    public void A_gan_resumes_to_the_generator_it_resumed_to()
    {
        using var temp = new TempFolder();
        string resumed = temp.File("resumed.ckpt"), output = Path.Combine(temp.Path, "out");
        Json("train", "--resume", Golden("e1a279b", "gan.ckpt"), "--epochs", "2", "--train-limit", "64", "--out", resumed);
        Json("sample", "--model", resumed, "--count", "4", "--seed", "7", "--out", output);
        AssertSamePngs(Golden("e1a279b", "expected", "samples-resumed"), output);
    }

    private static void AssertSameEvaluation(JsonElement before, JsonElement now)
    {
        Assert.Equal(before.GetProperty("architecture").GetString(), now.GetProperty("architecture").GetString());
        Assert.Equal(before.GetProperty("cost").GetString(), now.GetProperty("cost").GetString());
        Assert.Equal(before.GetProperty("images").GetInt32(), now.GetProperty("images").GetInt32());
        Assert.Equal(before.GetProperty("accuracy").GetDouble(), now.GetProperty("accuracy").GetDouble());
        Assert.Equal(Strings(before.GetProperty("class_labels")), Strings(now.GetProperty("class_labels")));
        Assert.Equal(before.GetProperty("confusion").GetRawText(), now.GetProperty("confusion").GetRawText());
        AssertClose(before.GetProperty("loss").GetDouble(), now.GetProperty("loss").GetDouble(), "loss");
        if (before.TryGetProperty("mean_confidence", out var confidence))
            AssertClose(confidence.GetDouble(), now.GetProperty("mean_confidence").GetDouble(), "mean_confidence");
    }

    private static void AssertSameValidation(JsonElement before, JsonElement now)
    {
        Assert.Equal(before.GetProperty("images").GetInt32(), now.GetProperty("images").GetInt32());
        Assert.Equal(before.GetProperty("accuracy").GetDouble(), now.GetProperty("accuracy").GetDouble());
        Assert.Equal(before.GetProperty("confusion").GetRawText(), now.GetProperty("confusion").GetRawText());
        Assert.Equal(before.GetProperty("recall").GetRawText(), now.GetProperty("recall").GetRawText());
        AssertClose(before.GetProperty("log_loss").GetDouble(), now.GetProperty("log_loss").GetDouble(), "log_loss");
    }

    private static string?[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToArray();

    private static void AssertClose(double before, double now, string what) =>
        Assert.True(Math.Abs(before - now) <= Relative * Math.Abs(before), $"{what} was {before:R}, now {now:R}");

    private static void AssertSameCell(string before, string now, string where)
    {
        if (double.TryParse(before, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            && double.TryParse(now, NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
            Assert.True(Math.Abs(a - b) <= ScoreTolerance * Math.Max(1, Math.Abs(a)), $"{where}: was {before}, now {now}");
        else
            Assert.True(before == now, $"{where}: was '{before}', now '{now}'");
    }

    // The shipped files have no quoted cells.
    private static List<string[]> ReadCsv(string path) => File.ReadLines(path).Select(line => line.Split(',')).ToList();

    /// <summary>The two shipped photos the expected colourings were made from (00000.png and 00001.png of the test split).</summary>
    private static string TwoPhotos(TempFolder temp)
    {
        var folder = Directory.CreateDirectory(Path.Combine(temp.Path, "photos")).FullName;
        foreach (var name in new[] { "00000.png", "00001.png" })
            File.Copy(Path.Combine(ShippedData.Photos, "test", name), Path.Combine(folder, name));
        return folder;
    }

    private static void AssertSamePngs(string expectedFolder, string actualFolder)
    {
        var expected = Directory.GetFiles(expectedFolder, "*.png").Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(expected, Directory.GetFiles(actualFolder, "*.png").Select(Path.GetFileName).Order().ToArray());
        foreach (var name in expected)
        {
            using var before = Image.Load<Rgb24>(Path.Combine(expectedFolder, name!));
            using var now = Image.Load<Rgb24>(Path.Combine(actualFolder, name!));
            Assert.Equal((before.Width, before.Height), (now.Width, now.Height));
            for (int y = 0; y < before.Height; y++)
                for (int x = 0; x < before.Width; x++)
                {
                    Rgb24 p = before[x, y], q = now[x, y];
                    Assert.True(Math.Abs(p.R - q.R) <= 1 && Math.Abs(p.G - q.G) <= 1 && Math.Abs(p.B - q.B) <= 1,
                        $"{name} ({x}, {y}) was {p}, now {q}");
                }
        }
    }
}
