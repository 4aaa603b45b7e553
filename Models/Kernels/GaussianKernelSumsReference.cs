namespace NeuralPipelines.Models.Kernels;

/// <summary>The plain twin of <see cref="GaussianKernelSums"/>: every pair's distance summed directly, in double. Tests
/// compare the fast kernel to it.</summary>
public static class GaussianKernelSumsReference
{
    /// <inheritdoc cref="GaussianKernelSums.Sum(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, Span{float}, float)"/>
    public static double Sum(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, int m, int d, ReadOnlySpan<float> sigmas,
        Span<float> gradient = default, float scale = 1f)
    {
        GaussianKernelSums.Check(a, n, b, m, d, sigmas, gradient);
        double total = 0;
        var g = new double[d];
        for (int i = 0; i < n; i++)
        {
            Array.Clear(g);
            for (int j = 0; j < m; j++)
            {
                double squared = 0;
                for (int p = 0; p < d; p++)
                {
                    double diff = (double)a[i * d + p] - b[j * d + p];
                    squared += diff * diff;
                }
                double weight = 0;
                foreach (float sigma in sigmas)
                {
                    double variance = (double)sigma * sigma;
                    double k = Math.Exp(-squared / (2 * variance));
                    total += k;
                    weight += k / variance;
                }
                // ∂k/∂aᵢ = Σ_σ k_σ·(bⱼ − aᵢ)/σ².
                for (int p = 0; p < d; p++) g[p] += weight * ((double)b[j * d + p] - a[i * d + p]);
            }
            if (!gradient.IsEmpty)
                for (int p = 0; p < d; p++) gradient[i * d + p] += (float)(scale * g[p]);
        }
        return total;
    }
}
