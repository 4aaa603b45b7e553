using NeuralPipelines.Models.Generative.Sampling;
using NeuralPipelines.Models.Generative.TransformFunction;
using Xunit.Abstractions;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>A small network trained from samples alone becomes a transform function u ↦ x for its target.</summary>
public class TransformFunctionTests(ITestOutputHelper output)
{
    public static TheoryData<string> Targets => new() { "exponential", "gaussian-mixture" };

    private static TransformTarget Target(string name) => name == "exponential" ? TransformTarget.Exponential() : TransformTarget.TwoGaussians();

    private void Report(TransformFunctionResult r) => output.WriteLine(
        $"{r.Target} {r.Method}: KS {r.Ks:F4} (n={r.Draws}), {r.KsAt2000:F4} (n=2000), {r.Monotonicity}, max |G − F⁻¹| {r.MaxQuantileError:F3}" +
        $"{(r.ComparedWithReflectedQuantile ? " against F⁻¹(1 − u)" : "")}, {r.Steps} steps in {r.Seconds:F1} s");

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mmd_trained_transform_function_passes_Kolmogorov_Smirnov_at_two_thousand_draws(string name)
    {
        var r = TransformFunctionExperiment.Run(Target(name), TransformFunctionMethod.Mmd);
        Report(r);
        Assert.True(r.KsAt2000 < KolmogorovSmirnov.CriticalValue(2000), $"KS {r.KsAt2000:F4} ≥ {KolmogorovSmirnov.CriticalValue(2000):F4}");
        // What the seeded run gives today; a regression in the kernels or the training loop shows up here first.
        Assert.NotEqual(Monotonicity.NotMonotone, r.Monotonicity);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Adversarial_transform_function_beats_an_untrained_one_clearly(string name)
    {
        var untrained = TransformFunctionExperiment.Run(Target(name), TransformFunctionMethod.Adversarial, new TransformFunctionOptions(Steps: 0));
        var trained = TransformFunctionExperiment.Run(Target(name), TransformFunctionMethod.Adversarial, new TransformFunctionOptions(Steps: 2000));
        Report(untrained);
        Report(trained);
        // GANs are noisy: only "much closer than where it started" is asserted, not the KS goal.
        Assert.True(trained.Ks < 0.5 * untrained.Ks, $"trained KS {trained.Ks:F4}, untrained {untrained.Ks:F4}");
    }

    [Fact]
    public void Same_seed_gives_the_same_transform_function()
    {
        var options = new TransformFunctionOptions(Steps: 50, Draws: 2000);
        var a = TransformFunctionExperiment.Run(TransformTarget.Exponential(), TransformFunctionMethod.Mmd, options);
        var b = TransformFunctionExperiment.Run(TransformTarget.Exponential(), TransformFunctionMethod.Mmd, options);
        Assert.Equal(a.Curves.Generator, b.Curves.Generator);
        Assert.Equal(a.Ks, b.Ks);
    }

    [Fact]
    public void Mixture_quantile_by_bisection_inverts_its_cdf_and_its_density_integrates_to_one()
    {
        var m = GaussianMixture1d.TwoBumps();
        foreach (double u in new[] { 1e-4, 0.01, 0.3, 0.31, 0.5, 0.9, 0.9999 })
            Assert.Equal(u, m.Cdf(m.Quantile(u)), 8);
        // Below the gap's midpoint: the left bump's 0.3·Φ(3.5) and the right bump's tail 0.7·Φ(−2.5) ≈ 0.0043.
        Assert.Equal(0.3 * 0.9997674 + 0.7 * 0.0062097, m.Cdf(-0.25), 6);
        double integral = 0, h = 1e-3;
        for (double x = -8; x < 8; x += h) integral += m.Density(x + h / 2) * h;
        Assert.Equal(1.0, integral, 5);
        Assert.Equal(0.5, StandardNormal.Cdf(0), 7);
        Assert.Equal(0.9750021, StandardNormal.Cdf(1.96), 6);
    }

    [Fact]
    public void Bisection_finds_a_root_outside_its_first_bracket()
    {
        Assert.Equal(Math.Log(50), Bisection.Solve(Math.Exp, 50, 0, 1), 8);
        Assert.Equal(-3.0, Bisection.Solve(x => x, -3, 0, 1), 8);
    }
}
