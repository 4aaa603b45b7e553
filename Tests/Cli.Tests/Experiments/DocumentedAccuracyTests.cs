using NeuralPipelines.Tests;
using Xunit.Abstractions;

namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>The long accuracy tier (NP_LONG_TESTS=1): every result row of docs/EXPERIMENTS.md is trained again with the
/// exact command the doc gives (through <c>np train … --json</c>, in-process) and its final test accuracy must land within
/// <see cref="Tolerance"/> of the documented figure. Hours on two cores; one row:
/// <c>NP_LONG_TESTS=1 dotnet test Tests/Cli.Tests --filter "DisplayName~nielsen 18"</c>.</summary>
/// <remarks>
/// How the tolerance was chosen. The same command, seed and code give the same figure to the last digit (runs are
/// deterministic for a given thread count, and the GEMM gives the same bits on one and two threads). What moves a figure
/// without a defect is arithmetic done in another order (a kernel rewrite, another core count where the convolution
/// kernels split their work differently); such a change perturbs a run by no more than another seed does, so the seed
/// spread bounds it. Measured on the 2-core Xeon (family 6 model 207) on 2026-11-30, final test accuracy:
/// row 18 with seeds 1, 2, 3: 96.10, 95.80, 95.15 % (spread 0.95); row 3 with seeds 1 and 2: 92.40, 92.60 % (and row 3's
/// seed 1 gave 92.30 % when the doc was written, before the kernels changed: 0.10 of pure reordering). The doc adds LeNet-5
/// on Fashion-MNIST, seeds 1 and 2: 90.53, 90.73 %, and a reordering alone moving it by 0.31. So ±1.5 points: half again
/// the largest seed spread seen on a stable row, and still short of the 2-point regression issue 16 asks to catch. Rows
/// the doc itself shows swinging further between seeds get a wider band, named in <see cref="Unstable"/> with the figures.
/// </remarks>
public class DocumentedAccuracyTests(ITestOutputHelper output)
{
    public const double Points = 1.5;

    /// <summary>Rows whose documented seeds differ by more than the default band, and why.</summary>
    public static readonly IReadOnlyDictionary<string, (double Points, string Why)> Unstable = new Dictionary<string, (double, string)>
    {
        ["nielsen 2"] = (10.0, "quadratic cost with saturated sigmoid outputs: seeds 1, 2, 3 gave 84.10, 74.35, 76.35 (note A)"),
    };

    public static double Tolerance(DocumentedRun run) => Unstable.TryGetValue(run.Id, out var wide) ? wide.Points : Points;

    public static TheoryData<string> MnistRows => Rows(fashion: false);
    public static TheoryData<string> FashionMnistRows => Rows(fashion: true);

    private static TheoryData<string> Rows(bool fashion)
    {
        var rows = new TheoryData<string>();
        foreach (var run in ExperimentsDocument.Runs.Where(r => r.NeedsFashionMnist == fashion)) rows.Add(run.Id);
        return rows;
    }

    [LongTheory, MemberData(nameof(MnistRows))]
    public void A_documented_mnist_row_reproduces_its_accuracy(string row) => Rerun(row);

    [LongTheory(needsSystemFashionMnist: true), MemberData(nameof(FashionMnistRows))]
    public void A_documented_fashion_mnist_row_reproduces_its_accuracy(string row) => Rerun(row);

    private void Rerun(string row)
    {
        var run = ExperimentsDocument.Run(row);
        using var folder = new TempFolder();
        var json = ClassicCli.Json(run.ArgumentsWritingTo(folder.Path));
        double percent = 100 * json.GetProperty("test_accuracy").GetDouble(), tolerance = Tolerance(run);
        output.WriteLine($"{run.CommandLine}: {percent:F2} % (documented {run.Percent:F2} %, ±{tolerance}), {json.GetProperty("train_seconds").GetDouble():F0} s of training");
        Assert.True(Math.Abs(percent - run.Percent) <= tolerance,
            $"{run.Id}: `{run.CommandLine}` reached {percent:F2} %; docs/EXPERIMENTS.md says {run.Percent:F2} % (tolerance ±{tolerance} points)");
    }
}
