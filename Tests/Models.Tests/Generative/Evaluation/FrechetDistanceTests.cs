using NeuralPipelines.Models.Generative.Evaluation;

namespace NeuralPipelines.Models.Tests.Generative.Evaluation;

/// <summary>The Fréchet distance against closed forms: 0 between a Gaussian and itself, (μ₁ − μ₂)² + (s₁ − s₂)² in one
/// dimension, Σ(√a − √b)² between diagonal covariances, and a fit to rotated data.</summary>
public class FrechetDistanceTests
{
    private static GaussianFit Diagonal(double[] mean, double[] variances)
    {
        var cov = new double[mean.Length, mean.Length];
        for (int i = 0; i < mean.Length; i++) cov[i, i] = variances[i];
        return new GaussianFit(mean, cov);
    }

    [Fact]
    public void Matches_the_closed_forms()
    {
        Assert.Equal(9 + 1, FrechetDistance.Between(Diagonal([0], [4]), Diagonal([3], [1])), 1e-10);
        double expected = 1 + Math.Pow(Math.Sqrt(2) - 1, 2) + Math.Pow(3 - 0.5, 2) + 0;
        Assert.Equal(expected, FrechetDistance.Between(Diagonal([1, 0, 0], [2, 9, 1]), Diagonal([0, 0, 0], [1, 0.25, 1])), 1e-10);
    }

    [Fact]
    public void Fitted_features_of_the_same_distribution_are_close_and_a_shifted_copy_is_not()
    {
        const int n = 4000, d = 6;
        var rng = new Random(2);
        float[] Draw(float shift)
        {
            var x = new float[n * d];
            for (int i = 0; i < n; i++)
            {
                // Correlated features: each is the previous plus noise, so the covariance is far from diagonal.
                float prev = 0;
                for (int j = 0; j < d; j++) x[i * d + j] = prev = prev + (float)(rng.NextDouble() - 0.5) + shift;
            }
            return x;
        }
        var a = GaussianFit.Of(Draw(0), n, d);
        var b = GaussianFit.Of(Draw(0), n, d);
        var shifted = GaussianFit.Of(Draw(0.5f), n, d);
        double same = FrechetDistance.Between(a, b), apart = FrechetDistance.Between(a, shifted);
        Assert.True(same < 0.05, $"same distribution: {same}");
        // Feature j moves by (j + 1)·0.5, so ‖Δμ‖² = 0.25·Σ(j + 1)² = 22.75 and the covariances agree.
        Assert.Equal(22.75, apart, 0.5);
        Assert.Equal(0, FrechetDistance.Between(a, a), 1e-8);
    }
}
