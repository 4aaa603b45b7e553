using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Sampling;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>The truncation trick in <see cref="NoiseSampler"/>: truncated noise follows the normal truncated to [−t, t]
/// (Kolmogorov–Smirnov at the 1% level, while the untruncated draw fails the same test), keeps every component the plain
/// draw already had inside, repeats for the same seed and t, and is refused for uniform noise or a t that is not positive.</summary>
public class TruncatedNoiseTests
{
    /// <summary>F(x) of N(0, 1) truncated to [−t, t].</summary>
    private static Func<double, double> TruncatedCdf(double t)
    {
        double low = StandardNormal.Cdf(-t), mass = StandardNormal.Cdf(t) - low;
        return x => x <= -t ? 0 : x >= t ? 1 : (StandardNormal.Cdf(x) - low) / mass;
    }

    [Theory]
    [InlineData(2.0f)]
    [InlineData(1.0f)]
    [InlineData(0.5f)]
    public void Truncated_noise_follows_the_truncated_normal_and_the_plain_draw_does_not(float t)
    {
        const int size = 64, count = 200; // 12,800 values, a generator's z for 200 images
        var z = NoiseSampler.For(NoiseKind.Normal, size, count, seed: 7, truncation: t).Span.ToArray();
        Assert.All(z, v => Assert.InRange(Math.Abs(v), 0f, t));
        double critical = KolmogorovSmirnov.CriticalValue(z.Length);
        Assert.True(KolmogorovSmirnov.Statistic(z, TruncatedCdf(t)) < critical, $"truncated at {t}: KS above {critical}");
        var plain = NoiseSampler.For(NoiseKind.Normal, size, count, seed: 7).Span.ToArray();
        Assert.True(KolmogorovSmirnov.Statistic(plain, TruncatedCdf(t)) > critical, $"the untruncated draw passed as truncated at {t}");
        // Components already inside keep their values: only the ones outside are drawn again.
        for (int i = 0; i < z.Length; i++)
            if (Math.Abs(plain[i]) <= t) Assert.Equal(plain[i], z[i]);
    }

    [Fact]
    public void The_same_seed_and_truncation_draw_the_same_noise_and_another_truncation_other_noise()
    {
        var a = NoiseSampler.For(NoiseKind.Normal, 64, 50, seed: 3, truncation: 1f).Span.ToArray();
        Assert.Equal(a, NoiseSampler.For(NoiseKind.Normal, 64, 50, seed: 3, truncation: 1f).Span.ToArray());
        Assert.NotEqual(a, NoiseSampler.For(NoiseKind.Normal, 64, 50, seed: 3, truncation: 0.7f).Span.ToArray());
        Assert.NotEqual(a, NoiseSampler.For(NoiseKind.Normal, 64, 50, seed: 4, truncation: 1f).Span.ToArray());
    }

    [Theory]
    [InlineData(0f, "must be a positive number")]
    [InlineData(-1f, "must be a positive number")]
    [InlineData(float.NaN, "must be a positive number")]
    public void A_truncation_that_is_not_positive_is_refused(float t, string expected) =>
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() => NoiseSampler.For(NoiseKind.Normal, 8, 2, 1, t)).Message);

    /// <summary>Audit H1: --truncation 1e-30 hung np sample, redrawing each component until it fell into [−t, t].</summary>
    [Theory]
    [InlineData(0.005f)]
    [InlineData(1e-6f)]
    public void A_truncation_below_the_least_is_refused(float t) =>
        Assert.Contains("must be at least 0.01", Assert.Throws<ArgumentException>(() => NoiseSampler.For(NoiseKind.Normal, 8, 2, 1, t)).Message);

    [Fact]
    public void The_least_truncation_draws_inside_it() =>
        Assert.All(NoiseSampler.For(NoiseKind.Normal, 64, 10, 1, NoiseSampler.MinTruncation).Span.ToArray(), v => Assert.InRange(Math.Abs(v), 0f, NoiseSampler.MinTruncation));

    [Fact]
    public void Uniform_noise_refuses_truncation() =>
        Assert.Contains("applies to normal noise", Assert.Throws<ArgumentException>(() => NoiseSampler.For(NoiseKind.Uniform, 10, 2, 1, 1f)).Message);
}
