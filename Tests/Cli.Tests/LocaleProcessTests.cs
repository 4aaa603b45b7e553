using System.Text.Json;

namespace NeuralPipelines.Cli.Tests;

/// <summary>np under a decimal-comma locale reads and writes the numbers it does under the invariant culture.</summary>
public class LocaleProcessTests
{
    // np is built invariant; this is how a user (or a container with ICU) turns the locale back on.
    private static readonly Dictionary<string, string> German = new()
    {
        ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "false",
        ["LANG"] = "de_DE.UTF-8",
        ["LC_ALL"] = "de_DE.UTF-8",
    };

    [IcuFact]
    public void Option_values_are_read_with_a_decimal_point_under_de_DE()
    {
        // Under de-DE "0.5" was parsed as 5: a different ridge model, without a word.
        var (code, stdout, stderr) = ClassicCli.FreshProcess(German, "regress", "--data", "diabetes", "--method", "ridge", "--lambda", "0.5", "--json");
        Assert.True(code == 0, stderr);
        var german = JsonDocument.Parse(stdout).RootElement;
        var invariant = ClassicCli.Json("regress", "--data", "diabetes", "--method", "ridge", "--lambda", "0.5");
        Assert.Equal(invariant.GetProperty("r2").GetDouble(), german.GetProperty("r2").GetDouble());
        Assert.Equal(invariant.GetProperty("intercept").GetDouble(), german.GetProperty("intercept").GetDouble());

        // And a fraction was refused as "got 3".
        (code, _, stderr) = ClassicCli.FreshProcess(German, "classify", "--data", "iris", "--test-fraction", "0.3", "--json");
        Assert.True(code == 0, stderr);
    }

    [IcuFact]
    public void Text_reports_print_a_decimal_point_under_de_DE()
    {
        // np eval printed "accuracy 91,70%" and mixed "mean 0,919" with "0 0.963" on one line.
        using var temp = new NeuralPipelines.Tests.TempFolder();
        var model = temp.File("mlp.ckpt");
        ClassicCli.Succeeds("train", "mlp", "--epochs", "1", "--out", model);
        var (code, stdout, stderr) = ClassicCli.FreshProcess(German, "eval", "--model", model, "--data", "mnist");
        Assert.True(code == 0, stderr);
        var (_, invariant, _) = ClassicCli.FreshProcess("eval", "--model", model, "--data", "mnist");
        static string Figures(string report) => string.Join('\n', report.Split('\n').Where(l => l.Contains("accuracy") || l.Contains("confidence"))
            .Select(l => l.Contains("images/s") ? l[..l.LastIndexOf(", ")] : l)); // the speed differs run to run
        Assert.Contains("confidence", Figures(invariant));
        Assert.Equal(Figures(invariant), Figures(stdout));
    }
}

/// <summary>A test that runs np under a real locale: skipped, and said so, where ICU is not installed (without it .NET cannot
/// leave invariant mode).</summary>
public sealed class IcuFactAttribute : FactAttribute
{
    public IcuFactAttribute()
    {
        string[] folders = ["/usr/lib", "/usr/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib", "/lib64"];
        bool icu = !OperatingSystem.IsLinux() || folders.Any(f => Directory.Exists(f) && Directory.EnumerateFiles(f, "libicuuc.so*").Any());
        if (!icu) Skip = "Needs ICU (libicuuc) to run np under de-DE.";
    }
}
