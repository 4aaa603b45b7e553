using System.Numerics.Tensors;
using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>The Parzen-window (kernel density) estimate of a generator's likelihood: an isotropic Gaussian of width σ on
/// each of n samples, p(x) = (1/n)Σᵢ N(x; sᵢ, σ²I), and the mean log p of held-out images (Breuleux et al. 2011, as
/// Goodfellow et al. 2014 and Li et al. 2015 report it).</summary>
/// <remarks>
/// log p(x) = logsumexp_i(−‖x − sᵢ‖²/(2σ²)) − log n − (d/2)·log(2πσ²). The densities of 784-pixel images are far below
/// what a double can hold (exp(−500) and less), so the sum is taken with its largest term factored out (log-sum-exp),
/// never as a sum of exponentials. The n·m squared distances come from one matrix product per block of points,
/// ‖x − s‖² = ‖x‖² + ‖s‖² − 2x·s through <see cref="Gemm"/>, and every bandwidth of a grid is evaluated on the same
/// distances, so choosing σ costs one pass. The estimate is known to be poor in high dimensions (Theis et al. 2016): it
/// is kept because it is the number the papers report, beside the sample-based measures.
/// </remarks>
public static class ParzenWindow
{
    private const int BlockRows = 128;

    /// <summary>The bandwidth grid searched on held-out images: 20 values spaced evenly in log from 0.05 to 1 (pixels in
    /// [0, 1]; Goodfellow et al. searched 0.1 … 1, and real images' best σ lies near 0.15).</summary>
    public static double[] DefaultSigmas => Enumerable.Range(0, 20).Select(i => 0.05 * Math.Pow(20, i / 19.0)).ToArray();

    /// <summary>log p(xⱼ) under the window of width σ on the <paramref name="n"/> rows of <paramref name="centres"/>, for
    /// every row xⱼ of <paramref name="points"/> and every σ of <paramref name="sigmas"/>: result[σ index][j], in nats.</summary>
    public static double[][] LogLikelihoods(ReadOnlySpan<float> centres, int n, ReadOnlySpan<float> points, int m, int d, ReadOnlySpan<double> sigmas)
    {
        if (n <= 0 || m <= 0 || d <= 0 || centres.Length != n * d || points.Length != m * d)
            throw new ArgumentException($"A Parzen window needs n×d centres and m×d points; got {centres.Length} and {points.Length} values for n={n}, m={m}, d={d}.");
        foreach (double s in sigmas)
            if (!(s > 0) || !double.IsFinite(s)) throw new ArgumentException($"Parzen bandwidths must be positive, got {s}.");
        var result = new double[sigmas.Length][];
        for (int s = 0; s < sigmas.Length; s++) result[s] = new double[m];
        var centreNorms = new float[n];
        for (int i = 0; i < n; i++) centreNorms[i] = TensorPrimitives.Dot(centres.Slice(i * d, d), centres.Slice(i * d, d));
        int rows = Math.Min(BlockRows, m);
        var block = new float[rows * n];
        var scaled = new float[n];
        for (int j0 = 0; j0 < m; j0 += rows)
        {
            int r = Math.Min(rows, m - j0);
            var distances = block.AsSpan(0, r * n);
            Gemm.Multiply(false, true, r, n, d, points.Slice(j0 * d, r * d), d, centres, d, distances, n);
            for (int j = 0; j < r; j++)
            {
                var row = distances.Slice(j * n, n);
                var x = points.Slice((j0 + j) * d, d);
                // ‖x‖² + ‖s‖² − 2x·s, clamped at 0 where float rounding leaves a tiny negative.
                TensorPrimitives.MultiplyAdd(row, -2f, centreNorms, row);
                TensorPrimitives.Add(row, TensorPrimitives.Dot(x, x), row);
                TensorPrimitives.Max(row, 0f, row);
                float nearest = TensorPrimitives.Min(row);
                for (int s = 0; s < sigmas.Length; s++)
                {
                    double variance = sigmas[s] * sigmas[s];
                    // Relative to the nearest centre, every exponent is ≤ 0 and the largest term is exactly 1.
                    TensorPrimitives.Subtract(row, nearest, scaled);
                    TensorPrimitives.Multiply(scaled, (float)(-0.5 / variance), scaled);
                    TensorPrimitives.Exp(scaled, scaled);
                    double sum = 0;
                    foreach (float v in scaled) sum += v;
                    result[s][j0 + j] = -nearest / (2 * variance) + Math.Log(sum) - Math.Log(n) - 0.5 * d * Math.Log(2 * Math.PI * variance);
                }
            }
        }
        return result;
    }

    /// <summary>Chooses σ from <paramref name="sigmas"/> (default <see cref="DefaultSigmas"/>) as the one that gives
    /// <paramref name="validation"/> the highest mean log-likelihood, then estimates the mean log-likelihood of
    /// <paramref name="test"/> with it, and its standard error over the test images.</summary>
    public static ParzenEstimate Estimate(ReadOnlySpan<float> centres, ReadOnlySpan<float> validation, ReadOnlySpan<float> test, int d,
        double[]? sigmas = null)
    {
        sigmas ??= DefaultSigmas;
        if (d <= 0 || centres.Length % d != 0 || validation.Length % d != 0 || test.Length % d != 0 || validation.IsEmpty || test.IsEmpty)
            throw new ArgumentException($"Centres, validation and test images must be whole, non-empty rows of {d} values.");
        int n = centres.Length / d;
        var onValidation = LogLikelihoods(centres, n, validation, validation.Length / d, d, sigmas);
        var means = onValidation.Select(ll => ll.Average()).ToArray();
        int best = Array.IndexOf(means, means.Max());
        var ll = LogLikelihoods(centres, n, test, test.Length / d, d, [sigmas[best]])[0];
        double mean = ll.Average();
        double variance = ll.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, ll.Length - 1);
        return new ParzenEstimate(sigmas[best], mean, Math.Sqrt(variance / ll.Length), means[best], best == 0 || best == sigmas.Length - 1);
    }
}
