namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>The Fréchet (2-Wasserstein) distance between two Gaussians, d² = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½): the
/// FID of Heusel et al. (2017) when the Gaussians are fitted to a classifier's features of generated and real images.</summary>
/// <remarks>
/// Σ₁Σ₂ is not symmetric, but it is similar to the symmetric S·Σ₂·S with S = Σ₁^½ (S⁻¹·(SΣ₂S)·S = Σ₁Σ₂ for invertible
/// Σ₁, and by continuity otherwise), so tr((Σ₁Σ₂)^½) = Σᵢ √λᵢ(SΣ₂S): two symmetric eigen-decompositions, no general
/// matrix square root. Eigenvalues that rounding pushes below zero are taken as zero.
/// </remarks>
public static class FrechetDistance
{
    /// <summary>d² between <paramref name="a"/> and <paramref name="b"/> (the squared distance, as FID is reported).</summary>
    public static double Between(GaussianFit a, GaussianFit b)
    {
        int d = a.Dimension;
        if (b.Dimension != d) throw new ArgumentException($"The Gaussians have {d} and {b.Dimension} dimensions.");
        double meanTerm = 0, traces = 0;
        for (int i = 0; i < d; i++)
        {
            double diff = a.Mean[i] - b.Mean[i];
            meanTerm += diff * diff;
            traces += a.Covariance[i, i] + b.Covariance[i, i];
        }
        var s = SymmetricEigen.Of(a.Covariance).Apply(l => Math.Sqrt(Math.Max(l, 0)));
        var middle = Multiply(Multiply(s, b.Covariance), s);
        for (int i = 0; i < d; i++)
            for (int j = i + 1; j < d; j++) middle[i, j] = middle[j, i] = (middle[i, j] + middle[j, i]) / 2;
        double rootTrace = SymmetricEigen.Of(middle).Values.Sum(l => Math.Sqrt(Math.Max(l, 0)));
        return Math.Max(0, meanTerm + traces - 2 * rootTrace);
    }

    private static double[,] Multiply(double[,] x, double[,] y)
    {
        int n = x.GetLength(0), k = x.GetLength(1), m = y.GetLength(1);
        var r = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < k; p++)
            {
                double xip = x[i, p];
                for (int j = 0; j < m; j++) r[i, j] += xip * y[p, j];
            }
        return r;
    }
}
