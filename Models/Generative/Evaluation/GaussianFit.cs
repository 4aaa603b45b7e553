namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>The mean and covariance of a set of feature vectors: the Gaussian a Fréchet distance compares.</summary>
public sealed record GaussianFit(double[] Mean, double[,] Covariance)
{
    public int Dimension => Mean.Length;

    /// <summary>Fits rows of <paramref name="features"/> ([n×d], row-major); the covariance divides by n − 1.</summary>
    public static GaussianFit Of(ReadOnlySpan<float> features, int n, int d)
    {
        if (n < 2 || d <= 0 || features.Length != n * d)
            throw new ArgumentException($"A Gaussian fit needs at least two rows of d > 0 features; got {features.Length} values for {n}×{d}.");
        var mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += features[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        // Centred first, so the sums do not cancel (features of a ReLU layer sit far from 0).
        var cov = new double[d, d];
        var row = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) row[j] = features[i * d + j] - mean[j];
            for (int a = 0; a < d; a++)
            {
                double ra = row[a];
                if (ra == 0) continue;
                for (int b = a; b < d; b++) cov[a, b] += ra * row[b];
            }
        }
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++) cov[b, a] = cov[a, b] /= n - 1;
        return new GaussianFit(mean, cov);
    }
}
