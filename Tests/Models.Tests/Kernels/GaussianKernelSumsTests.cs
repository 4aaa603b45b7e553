using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The GEMM-based <see cref="GaussianKernelSums"/> against its plain twin <see cref="GaussianKernelSumsReference"/>.</summary>
public class GaussianKernelSumsTests
{
    private static float[] Random(int seed, int count, float scale, float shift = 0)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * scale + shift);
        return x;
    }

    [Theory]
    [InlineData(1, 1, 1, 1f)]
    [InlineData(7, 5, 1, 1f)]
    [InlineData(33, 17, 3, 2f)]
    [InlineData(300, 270, 20, 1f)]   // more rows than one block (256) on A
    [InlineData(40, 50, 784, 0.5f)]  // image-length rows
    public void Sum_and_gradient_match_the_reference(int n, int m, int d, float scale)
    {
        float[] sigmas = d == 784 ? [2f, 5f, 10f, 20f, 40f, 80f] : [0.5f, 1f, 2f];
        var a = Random(n * 31 + d, n * d, scale);
        var b = Random(m * 17 + d, m * d, scale, shift: 0.3f);
        var fast = Random(5, n * d, 1f);      // the gradient accumulates: start both from the same non-zero values
        var slow = (float[])fast.Clone();
        double sumFast = GaussianKernelSums.Sum(a, n, b, m, d, sigmas, fast, -0.75f);
        double sumSlow = GaussianKernelSumsReference.Sum(a, n, b, m, d, sigmas, slow, -0.75f);
        Assert.True(Math.Abs(sumFast - sumSlow) <= 1e-5 * Math.Abs(sumSlow), $"sum {sumFast} vs reference {sumSlow}");
        double worst = 0, norm = 0;
        for (int i = 0; i < fast.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(fast[i] - slow[i]));
            norm = Math.Max(norm, Math.Abs(slow[i]));
        }
        Assert.True(worst <= 1e-4 * Math.Max(norm, 1), $"gradient differs by {worst:E2} (largest entry {norm:E2})");
        Assert.Equal(sumFast, GaussianKernelSums.Sum(a, n, b, m, d, sigmas), 10); // no gradient asked: same sum
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(9, 2)]
    [InlineData(300, 5)]   // crosses a block edge
    [InlineData(70, 784)]
    public void Symmetric_sum_matches_the_full_sum(int n, int d)
    {
        float[] sigmas = [1f, 3f, 10f];
        var a = Random(n + d, n * d, d == 784 ? 0.5f : 2f);
        double full = GaussianKernelSumsReference.Sum(a, n, a, n, d, sigmas);
        double half = GaussianKernelSums.SymmetricSum(a, n, d, sigmas);
        Assert.True(Math.Abs(full - half) <= 1e-5 * full, $"symmetric {half} vs reference {full}");
    }

    [Fact]
    public void A_row_with_itself_counts_one_per_bandwidth()
    {
        var a = Random(1, 3 * 4, 100f); // far apart: only the diagonal survives
        Assert.Equal(3 * 2, GaussianKernelSums.Sum(a, 3, a, 3, 4, [0.1f, 0.2f]), 6);
    }

    [Fact]
    public void Bad_bandwidths_and_short_buffers_are_named()
    {
        var a = new float[6];
        Assert.Contains("σ", Assert.Throws<ArgumentException>(() => GaussianKernelSums.Sum(a, 3, a, 3, 2, [0f])).Message);
        Assert.Contains("3×4", Assert.Throws<ArgumentException>(() => GaussianKernelSums.Sum(a, 3, a, 1, 4, [1f])).Message);
    }
}
