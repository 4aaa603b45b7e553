using NeuralPipelines.Models.Generative.Evaluation;
using NeuralPipelines.Models.Tests.Training;

namespace NeuralPipelines.Models.Tests.Generative.Evaluation;

/// <summary>The Parzen window against the Gaussian density it is a mixture of, against a plain double-precision twin,
/// far from every centre (where a naive sum of exponentials underflows), and on digits: real images explain the test set
/// far better than blank ones.</summary>
public class ParzenWindowTests
{
    [Fact]
    public void One_centre_gives_the_Gaussian_log_density()
    {
        float[] centre = [0.5f, -1f, 2f];
        float[] point = [1.5f, -1f, 0f];
        double sigma = 0.7, d2 = 1 + 0 + 4;
        double expected = -d2 / (2 * sigma * sigma) - 1.5 * Math.Log(2 * Math.PI * sigma * sigma);
        Assert.Equal(expected, ParzenWindow.LogLikelihoods(centre, 1, point, 1, 3, [sigma])[0][0], 1e-4);
    }

    [Fact]
    public void Matches_a_plain_double_sum_and_stays_finite_far_from_every_centre()
    {
        const int n = 300, m = 40, d = 20;
        var rng = new Random(4);
        var centres = Enumerable.Range(0, n * d).Select(_ => (float)rng.NextDouble()).ToArray();
        var points = Enumerable.Range(0, m * d).Select(_ => (float)rng.NextDouble()).ToArray();
        double[] sigmas = [0.2, 0.5];
        var fast = ParzenWindow.LogLikelihoods(centres, n, points, m, d, sigmas);
        for (int s = 0; s < sigmas.Length; s++)
            for (int j = 0; j < m; j++)
            {
                var exponents = Enumerable.Range(0, n).Select(i =>
                    -Enumerable.Range(0, d).Sum(k => Math.Pow(points[j * d + k] - centres[i * d + k], 2)) / (2 * sigmas[s] * sigmas[s])).ToArray();
                double max = exponents.Max();
                double plain = max + Math.Log(exponents.Sum(e => Math.Exp(e - max))) - Math.Log(n) - d / 2.0 * Math.Log(2 * Math.PI * sigmas[s] * sigmas[s]);
                Assert.Equal(plain, fast[s][j], 1e-3);
            }

        // 100 units from its only centre, σ = 0.05: the density is exp(−2·10⁶), zero in any float, but its log is exact.
        var far = ParzenWindow.LogLikelihoods([0f, 0f], 1, [100f, 0f], 1, 2, [0.05])[0][0];
        Assert.Equal(-1e4 / (2 * 0.0025) - Math.Log(2 * Math.PI * 0.0025), far, 1e-2 * 2e6 * 1e-5);
    }

    [Fact]
    public void Real_digits_explain_the_test_set_far_better_than_blank_images_and_sigma_is_chosen_inside_the_grid()
    {
        var mnist = MnistTrainingTests.Mnist.Value;
        int d = mnist.Train.ImageLength;
        var real = mnist.Train.Pixels.AsSpan(0, 1000 * d);
        var validation = mnist.Train.Pixels.AsSpan((mnist.Train.Count - 200) * d);
        var test = mnist.Test.Pixels.AsSpan(0, 200 * d);
        var good = ParzenWindow.Estimate(real, validation, test, d);
        var blank = ParzenWindow.Estimate(new float[1000 * d], validation, test, d);
        Assert.False(good.SigmaAtGridEdge, $"σ = {good.Sigma}");
        Assert.InRange(good.Sigma, 0.1, 0.4);
        Assert.True(good.LogLikelihood > blank.LogLikelihood + 100, $"real {good.LogLikelihood:F1} ± {good.StandardError:F1}, blank {blank.LogLikelihood:F1}");
        Assert.True(good.StandardError is > 0 and < 20, $"standard error {good.StandardError}");
    }
}
