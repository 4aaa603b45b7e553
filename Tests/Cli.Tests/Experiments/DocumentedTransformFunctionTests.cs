using NeuralPipelines.Models.Generative.TransformFunction;
using NeuralPipelines.Tests;
using Xunit.Abstractions;

namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>The long tier's transform-function rows (NP_LONG_TESTS=1): each row of the table under "## Generative models: a
/// learned transform function" is trained again with the run the doc reports (<see cref="TransformFunctionOptions.Documented"/>,
/// what its <c>transform-function</c> command runs) and must find the same monotonicity and Kolmogorov–Smirnov figures within
/// the row's band. All four take about a minute on two cores.</summary>
/// <remarks>
/// How the bands were chosen, on the tier's rule (half again the largest variation seen without a defect): seed 1 gives
/// the doc's figures to the digit; seed 2 (2026-12-01, Zen 5, `transform-function --seed 2`) moved the MMD rows' KS by at most
/// 0.0013 (n = 10,000) and 0.0043 (n = 2,000), so ±0.0065 for both, which still fails a fit that misses the goal (0.0364 at
/// n = 2,000) from the documented 0.025–0.027. The adversarial rows are unstable runs: seed 2 moved the exponential's KS
/// from 0.24 to 0.08 and the mixture's from 0.10 to 0.13, so their band is ±0.25, which still fails a G that did not
/// train (KS 0.85 and 0.67 untrained). The monotonicity must be the doc's words exactly.
/// </remarks>
public class DocumentedTransformFunctionTests(ITestOutputHelper output)
{
    public static TheoryData<string> Rows => new(ExperimentsDocument.TransformFunctions.Select(r => r.Id));

    public static double Band(string method) => method == "MMD" ? 0.0065 : 0.25;

    /// <summary>The planted failure: every row's band rejects the same G left as initialised (0 steps).</summary>
    [Fact]
    public void Every_band_fails_a_transform_function_that_did_not_train()
    {
        foreach (var d in ExperimentsDocument.TransformFunctions)
        {
            var untrained = TransformFunctionExperiment.Run(Target(d), Method(d), TransformFunctionOptions.Documented with { Steps = 0 });
            Assert.True(Math.Abs(untrained.Ks - d.Ks) > Band(d.Method), $"{d.Id}: an untrained G's KS {untrained.Ks:F4} is within ±{Band(d.Method)} of {d.Ks:F4}");
        }
    }

    private static TransformTarget Target(DocumentedTransformFunction d) =>
        TransformTarget.All().Single(t => t.Name == d.Target);

    private static TransformFunctionMethod Method(DocumentedTransformFunction d) =>
        d.Method == "MMD" ? TransformFunctionMethod.Mmd : TransformFunctionMethod.Adversarial;

    [LongTheory, MemberData(nameof(Rows))]
    public void A_documented_transform_function_reproduces_its_fit(string row)
    {
        var d = ExperimentsDocument.TransformFunction(row);
        var r = TransformFunctionExperiment.Run(Target(d), Method(d), TransformFunctionOptions.Documented);
        string monotone = r.Monotonicity switch { Monotonicity.Increasing => "yes, increasing", Monotonicity.Decreasing => "yes, decreasing", _ => "no" };
        double band = Band(d.Method);
        output.WriteLine($"{d.Id}: KS {r.Ks:F4} (documented {d.Ks:F4}), at 2,000 {r.KsAt2000:F4} ({d.KsAt2000:F4}), ±{band}; monotone: {monotone} ({d.Monotone}); {r.Seconds:F1} s");
        Assert.Equal(d.Monotone, monotone);
        Assert.True(Math.Abs(r.Ks - d.Ks) <= band, $"{d.Id}: KS {r.Ks:F4}; docs/EXPERIMENTS.md says {d.Ks:F4} (±{band})");
        Assert.True(Math.Abs(r.KsAt2000 - d.KsAt2000) <= band, $"{d.Id}: KS at n = 2,000 {r.KsAt2000:F4}; docs/EXPERIMENTS.md says {d.KsAt2000:F4} (±{band})");
    }
}
