using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

public class DemoTests
{
    [Fact]
    public void The_demo_runs_every_step_on_shipped_data_and_writes_what_it_says()
    {
        using var dir = new TempFolder();
        var folder = Path.Combine(dir.Path, "demo-out");
        // A read-only file of an earlier run is replaced with --force (and stays read-only).
        Directory.CreateDirectory(folder);
        var frozen = Path.Combine(folder, "iris.zip");
        File.WriteAllText(frozen, "an earlier run's");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(frozen, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var json = ClassicCli.Json("demo", "--out", folder, "--force");
        Assert.NotEqual("an earlier run's", File.ReadAllText(frozen));

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

    /// <summary>Every file the demo will write is checked before step 1, so a refusal leaves the folder as it was, and the
    /// refusal suggests only flags the demo has (audit M7).</summary>
    [LinuxFact("Unix file modes"), System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_demo_checks_all_its_outputs_before_step_1_and_refuses_one_line_naming_a_flag_it_has()
    {
        using var dir = new TempFolder();
        var folder = Directory.CreateDirectory(Path.Combine(dir.Path, "demo1")).FullName;
        var frozen = Path.Combine(folder, "iris.zip"); // written by step 3
        File.WriteAllText(frozen, "an earlier run's");
        File.SetUnixFileMode(frozen, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var (code, stdout, stderr) = ClassicCli.Np("demo", "--out", folder);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal($"np demo: error: --out {frozen}: the file is read-only (mode 444); nothing was written. Give --force to replace it.", stderr.Trim());
        Assert.Equal([frozen], Directory.GetFiles(folder)); // step 1's models were not written
        Assert.Equal("an earlier run's", File.ReadAllText(frozen));

        // An existing model of another kind where the demo writes its ONNX model: refused too, before any work.
        File.SetUnixFileMode(frozen, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var onnx = Path.Combine(folder, "mnist-mlp.onnx");
        File.WriteAllBytes(onnx, [.. "NPCKPT01"u8, 0, 0, 0, 0]);
        (code, _, stderr) = ClassicCli.Np("demo", "--out", folder);
        Assert.Equal(1, code);
        Assert.Equal($"np demo: error: --out {onnx}: an existing checkpoint; this would replace it with an ONNX model. Give another path, or --force to replace it.", stderr.Trim());
        Assert.Equal([frozen, onnx], Directory.GetFiles(folder).Order());
    }

    [Fact]
    public void The_demo_refuses_an_out_that_is_a_file_with_one_line()
    {
        using var dir = new TempFolder();
        var file = dir.Write("d.csv", "a,b\n1,2\n");
        var (code, stdout, stderr) = ClassicCli.Np("demo", "--out", file);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal($"np demo: error: --out {file}: a file, not a folder; --out takes a folder (created if missing).", stderr.Trim());
        Assert.Equal("a,b\n1,2\n", File.ReadAllText(file));
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
