using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

public class DemoTests
{
    [Fact]
    public void The_demo_runs_every_step_on_shipped_data_and_writes_what_it_says()
    {
        using var dir = new TempFolder();
        var folder = Path.Combine(dir.Path, "demo-out");
        var json = ClassicCli.Json("demo", "--out", folder);

        var steps = json.GetProperty("steps").EnumerateArray().ToArray();
        Assert.Equal(DemoStepNames, steps.Select(s => s.GetProperty("name").GetString()).ToArray());
        var regression = steps[0].GetProperty("figures");
        Assert.Equal(0.517748, regression.GetProperty("closed_form").GetProperty("r2").GetDouble(), 1e-5);
        Assert.True(regression.GetProperty("distance_to_closed_form").GetProperty("predictions").GetDouble() < 1e-3);
        AccuracyBar.AtLeast(steps[1].GetProperty("figures").GetProperty("accuracy").GetDouble(), measured: 0.9558, "demo step 2 (breast cancer), accuracy");
        AccuracyBar.AtLeast(steps[2].GetProperty("figures").GetProperty("accuracy").GetDouble(), measured: 0.9667, "demo step 3 (iris), accuracy on 30 rows", examples: 30);
        Assert.True(steps[3].GetProperty("figures").GetProperty("identical_to_trained_pipeline").GetBoolean());
        var neural = steps[4].GetProperty("figures");
        AccuracyBar.AtLeast(neural.GetProperty("test_accuracy").GetDouble(), measured: 0.9535, "demo's MNIST network, test accuracy");
        Assert.Contains(neural.GetProperty("execution_provider").GetString(), new[] { "CPU", "CUDA" });

        var files = json.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToArray();
        var colorization = steps[5].GetProperty("figures");
        Assert.Equal(256, colorization.GetProperty("photos").GetInt32());
        Assert.True(double.IsFinite(colorization.GetProperty("losses").GetProperty("l1").GetDouble()));
        Assert.Equal(9, files.Length);
        Assert.Contains(files, f => f.EndsWith("colorized-photos.png", StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(File.Exists(f), f));
        Assert.Equal(files.Order(), Directory.GetFiles(folder).Order());
        // The demo's time is reported (json "seconds"), not asserted: speed is measured in Benchmarks, and a shared CI
        // machine under load would fail a time bound that says nothing about the code.
        Assert.True(json.GetProperty("seconds").GetDouble() > 0);
    }

    private static readonly string[] DemoStepNames = ["diabetes-regression", "breast-cancer-classification", "iris-classification", "score-saved-model", "mnist-neural-network", "photo-colorization"];

    [Fact]
    public void Demo_help_says_what_it_does()
    {
        var (code, stdout, _) = ClassicCli.Np("demo", "--help");
        Assert.Equal(0, code);
        Assert.Contains("under a minute", stdout);
        Assert.Contains("--out", stdout);
    }
}
