using Xunit.Abstractions;

namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>Documented figures checked one after another: each printed with its band, the misses kept so that one
/// assertion at the end lists them all.</summary>
public sealed class FigureChecks(ITestOutputHelper output)
{
    private readonly List<string> _failures = [];

    public IReadOnlyList<string> Failures => _failures;

    public void Check(string what, double got, double documented, double band)
    {
        bool ok = Math.Abs(got - documented) <= band;
        output.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}: {got:G4} (documented {documented:G4}, ±{band:G3})");
        if (!ok) _failures.Add($"{what}: {got:G4}, documented {documented:G4} (±{band:G3})");
    }
}
