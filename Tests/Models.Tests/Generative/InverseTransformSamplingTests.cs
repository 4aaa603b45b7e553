using NeuralPipelines.Models.Generative.Sampling;
using Xunit.Abstractions;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>Draws through F⁻¹ must pass a Kolmogorov–Smirnov test against F; draws through a wrong F⁻¹ must fail it.</summary>
public class InverseTransformSamplingTests(ITestOutputHelper output)
{
    private const int Draws = 10_000;

    public static TheoryData<string> Names => new() { "exponential", "logistic", "cauchy", "empirical" };

    private static IInverseCdf Create(string name) => name switch
    {
        "exponential" => new ExponentialDistribution(rate: 1.5),
        "logistic" => new LogisticDistribution(location: 1, scale: 2),
        "cauchy" => new CauchyDistribution(location: -3, scale: 0.5),
        // A lumpy data set: the empirical quantile must reproduce its shape, not a textbook one.
        "empirical" => new EmpiricalDistribution(Draw(new ExponentialDistribution(0.5), 300, seed: 99)
            .Concat(Draw(new LogisticDistribution(10, 0.3), 200, seed: 98)).ToArray()),
        _ => throw new ArgumentException(name),
    };

    private static float[] Draw(IInverseCdf distribution, int n, int seed)
    {
        var x = new float[n];
        new InverseTransformSampler(distribution).Sample(new Random(seed), x);
        return x;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Ten_thousand_draws_pass_the_one_percent_Kolmogorov_Smirnov_test(string name)
    {
        var distribution = Create(name);
        double d = KolmogorovSmirnov.Statistic(Draw(distribution, Draws, seed: 1), distribution);
        double critical = KolmogorovSmirnov.CriticalValue(Draws);
        output.WriteLine($"{name}: D = {d:F5}, 1% critical value {critical:F5}");
        Assert.True(d < critical, $"{name}: D = {d:F5} ≥ {critical:F5}");
    }

    /// <summary>A quantile function with a planted slip, checked against the true CDF.</summary>
    private sealed class WrongInverse(Func<double, double> quantile) : IInverseCdf
    {
        public double Quantile(double u) => quantile(u);
        public double Cdf(double x) => throw new NotSupportedException();
    }

    public static TheoryData<string> PlantedSlips => new() { "exponential with rate 1.1 for 1", "logistic with the sign of μ lost", "cauchy with scale 0.55 for 0.5" };

    [Theory]
    [MemberData(nameof(PlantedSlips))]
    public void A_wrong_inverse_fails_the_same_test(string slip)
    {
        var (truth, wrong) = slip switch
        {
            "exponential with rate 1.1 for 1" => ((IInverseCdf)new ExponentialDistribution(1.0), new WrongInverse(u => -Math.Log(1 - u) / 1.1)),
            "logistic with the sign of μ lost" => (new LogisticDistribution(0.1, 1), new WrongInverse(u => -0.1 + Math.Log(u / (1 - u)))),
            "cauchy with scale 0.55 for 0.5" => (new CauchyDistribution(0, 0.5), new WrongInverse(u => 0.55 * Math.Tan(Math.PI * (u - 0.5)))),
            _ => throw new ArgumentException(slip),
        };
        double d = KolmogorovSmirnov.Statistic(Draw(wrong, Draws, seed: 1), truth);
        double critical = KolmogorovSmirnov.CriticalValue(Draws);
        output.WriteLine($"{slip}: D = {d:F5}, 1% critical value {critical:F5}");
        Assert.True(d > critical, $"planted slip '{slip}' not detected: D = {d:F5} < {critical:F5}");
    }

    [Fact]
    public void A_sign_error_inside_a_symmetric_quantile_is_invisible_to_any_test_on_draws()
    {
        // s·ln((1 − u)/u) for s·ln(u/(1 − u)) maps U to −L, and a logistic centred at 0 is symmetric: same distribution.
        // The slip is real (the transform function is reversed) but only a point-by-point comparison of F⁻¹ can see it,
        // which is why the planted logistic slip above moves μ instead.
        var truth = new LogisticDistribution(0, 1);
        double d = KolmogorovSmirnov.Statistic(Draw(new WrongInverse(u => Math.Log((1 - u) / u)), Draws, seed: 1), truth);
        Assert.True(d < KolmogorovSmirnov.CriticalValue(Draws));
    }

    [Fact]
    public void Empirical_quantile_interpolates_linearly_between_sorted_values()
    {
        // Sorted: 1, 2, 4, 8; h = 3u, so u = k/3 hits x₍ₖ₎ and values between are on the chords.
        var e = new EmpiricalDistribution([4f, 1f, 8f, 2f]);
        Assert.Equal([1.0, 2.0, 4.0, 8.0], e.Sorted);
        Assert.Equal(1.0, e.Quantile(0), 12);
        Assert.Equal(2.0, e.Quantile(1.0 / 3), 12);
        Assert.Equal(4.0, e.Quantile(2.0 / 3), 12);
        Assert.Equal(8.0, e.Quantile(1), 12);
        Assert.Equal(1.5, e.Quantile(1.0 / 6), 12);   // h = 0.5: halfway from 1 to 2
        Assert.Equal(3.0, e.Quantile(0.5), 12);       // h = 1.5: halfway from 2 to 4
        Assert.Equal(7.0, e.Quantile(0.9166666666666666), 9); // h = 2.75: 4 + 0.75·4
        // Its CDF is the inverse: F(3) = (1 + ½)/3, F(7) = (2 + ¾)/3; 0 below the data, 1 from the maximum on.
        Assert.Equal(0.5, e.Cdf(3), 12);
        Assert.Equal(2.75 / 3, e.Cdf(7), 12);
        Assert.Equal(0.0, e.Cdf(0.99), 12);
        Assert.Equal(1.0, e.Cdf(8), 12);
        for (double u = 0.01; u < 1; u += 0.07) Assert.Equal(u, e.Cdf(e.Quantile(u)), 12);
    }

    [Fact]
    public void Empirical_distribution_of_tied_values_keeps_a_finite_cdf()
    {
        var e = new EmpiricalDistribution([2f, 2f, 2f, 5f]);
        Assert.Equal(2.0, e.Quantile(0.5), 12);
        Assert.Equal(2.0 / 3, e.Cdf(2), 12); // the last of the tied values
        Assert.Equal(2.75, e.Quantile(0.75), 12); // h = 2.25: 2 + 0.25·3
        var one = new EmpiricalDistribution([3f]);
        Assert.Equal(3.0, one.Quantile(0.3));
        Assert.Equal(1.0, one.Cdf(3));
    }

    [Fact]
    public void Same_seed_gives_the_same_draws_and_the_uniform_stays_inside_the_open_interval()
    {
        var d = new CauchyDistribution();
        Assert.Equal(Draw(d, 100, 5), Draw(d, 100, 5));
        var rng = new Random(3);
        for (int i = 0; i < 100_000; i++)
        {
            double u = InverseTransformSampler.OpenUniform(rng);
            Assert.True(u > 0 && u < 1);
        }
        Assert.True(double.IsFinite(new LogisticDistribution().Quantile(Math.Pow(2, -53))));
        Assert.True(double.IsFinite(new ExponentialDistribution().Quantile(1 - Math.Pow(2, -53))));
    }

    [Fact]
    public void Two_sample_statistic_separates_samples_from_different_distributions()
    {
        var a = Draw(new LogisticDistribution(0, 1), 3000, 1);
        var b = Draw(new LogisticDistribution(0, 1), 2000, 2);
        var c = Draw(new LogisticDistribution(0.3, 1), 2000, 3);
        double critical = KolmogorovSmirnov.CriticalValue(3000, 2000);
        Assert.True(KolmogorovSmirnov.TwoSample(a, b) < critical);
        Assert.True(KolmogorovSmirnov.TwoSample(a, c) > critical);
        Assert.Equal(1.0, KolmogorovSmirnov.TwoSample([1f, 2f], [3f, 4f]), 12);
        Assert.Equal(0.0, KolmogorovSmirnov.TwoSample([1f, 2f], [2f, 1f]), 12);
    }
}
