using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Losses;

/// <summary>The squared maximum mean discrepancy between two samples under a sum of Gaussian kernels: how far apart their
/// mean embeddings lie, MMD² = mean k(X, X) + mean k(Y, Y) − 2 mean k(X, Y) (Gretton et al. 2012; Li, Swersky and Zemel 2015).</summary>
/// <remarks>
/// This is the biased V-statistic: the means run over all pairs, the diagonal k(xᵢ, xᵢ) = 1 per σ included. It is a squared
/// norm, so never negative (the unbiased U-statistic, which drops the diagonal, can be, and its square root then fails),
/// and it is 0 only when the two samples coincide as sets; its bias, of order 1/N + 1/M, is the same for every generator
/// compared at the same sample sizes. Rows are samples, columns their features (N×D and M×D, D the same, N and M free).
/// </remarks>
public static class Mmd
{
    /// <summary>Bandwidths for pixel-scale data (28×28 images in [0, 1], typical distances 5–15): σ = 2, 5, 10, 20, 40, 80.</summary>
    public static float[] DefaultSigmas => [2f, 5f, 10f, 20f, 40f, 80f];

    /// <summary>MMD²(X, Y) for X [N×D] and Y [M×D]; the kernel is k(x, y) = Σ_σ exp(−‖x − y‖²/(2σ²)).</summary>
    public static double Squared(Tensor x, Tensor y, ReadOnlySpan<float> sigmas) => Squared(x, y, sigmas, null);

    /// <summary>MMD²(X, Y); when <paramref name="gradient"/> is given (N×D), writes ∂MMD²/∂X into it.</summary>
    public static double Squared(Tensor x, Tensor y, ReadOnlySpan<float> sigmas, Tensor? gradient)
    {
        int n = Rows(x), m = Rows(y), d = x.ItemLength;
        if (x.Rank == 0 || y.Rank == 0 || n == 0 || m == 0 || d != y.ItemLength)
            throw new ArgumentException($"MMD compares two batches of equal-length rows; got {Tensor.ShapeText(x.Shape)} and {Tensor.ShapeText(y.Shape)}.");
        if (gradient is not null && gradient.Length != x.Length)
            throw new ArgumentException($"MMD gradient {Tensor.ShapeText(gradient.Shape)} does not match the samples {Tensor.ShapeText(x.Shape)}.");
        var g = gradient is null ? Span<float>.Empty : gradient.Span;
        g.Clear();
        // Each pair (i, j) of X appears twice in Σᵢⱼ k(xᵢ, xⱼ), so ∂/∂xᵢ of (1/N²)Σ is (2/N²)Σⱼ ∂k(xᵢ, xⱼ)/∂xᵢ; the cross
        // term −(2/NM)Σᵢⱼ k(xᵢ, yⱼ) contributes −(2/NM)Σⱼ ∂k(xᵢ, yⱼ)/∂xᵢ; k(Y, Y) does not depend on X.
        double xx = gradient is null
            ? GaussianKernelSums.SymmetricSum(x.Span, n, d, sigmas)
            : GaussianKernelSums.Sum(x.Span, n, x.Span, n, d, sigmas, g, 2f / ((float)n * n));
        double xy = GaussianKernelSums.Sum(x.Span, n, y.Span, m, d, sigmas, g, -2f / ((float)n * m));
        double yy = GaussianKernelSums.SymmetricSum(y.Span, m, d, sigmas);
        return xx / ((double)n * n) + yy / ((double)m * m) - 2 * xy / ((double)n * m);
    }

    private static int Rows(Tensor t) => t.Rank == 0 ? 0 : t.Dim(0);
}
