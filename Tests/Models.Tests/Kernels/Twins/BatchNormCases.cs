namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>One batch-norm pass over [batch × channels × plane]: training (batch statistics) or inference (given ones),
/// then backward with the statistics of that pass. The delegate returns μ, σ², unbiased σ², 1/σ, y, Σδ, Σδx̂, ∂C/∂x.</summary>
public delegate float[][] BatchNormPass(float[] x, float[] dy, int batch, int channels, int plane, float[] gamma, float[] beta, bool training);

/// <summary>Batch normalisation's channel kernels against their twin: planes of 1 (a U-Net's innermost), 4, 7, 33 and
/// 784, channels 1 to 64, a batch of one, and one large enough for two threads; pixels far from zero (|μ| ≫ σ, where a
/// one-pass variance would cancel). The tolerances are those of <c>BatchNormChannelsTests</c>.</summary>
public static class BatchNormCases
{
    // Batch, channels, plane.
    public static readonly int[][] Shapes = [[2, 1, 1], [1, 3, 2], [3, 5, 7], [4, 64, 4], [2, 16, 1], [2, 3, 33], [16, 6, 784],
        // Whole vectors, one lane over, two vectors, 7×7 (one vector from the end), and 7×7 planes enough for two threads.
        [2, 3, 8], [2, 5, 9], [3, 4, 16], [4, 6, 49], [64, 24, 49]];

    public static IEnumerable<TwinCase> Sweep(BatchNormPass fast, BatchNormPass twin)
    {
        foreach (var a in Shapes)
            foreach (bool training in new[] { true, false })
            {
                int batch = a[0], channels = a[1], plane = a[2], length = batch * channels * plane;
                var x = TwinData.Pixels(length, a.Sum(), 40f, scale: 3f);
                var dy = TwinData.Pixels(length, 5000 + a.Sum(), -0.3f);
                var gamma = Enumerable.Range(0, channels).Select(c => 0.5f + 0.25f * c).ToArray();
                var beta = Enumerable.Range(0, channels).Select(c => 0.5f * c - 1f).ToArray();
                yield return new TwinCase($"{(training ? "training" : "inference")} [{batch}×{channels}×{plane}]",
                    () => fast(x, dy, batch, channels, plane, gamma, beta, training), () => twin(x, dy, batch, channels, plane, gamma, beta, training))
                {
                    Tolerances = [1e-6, 1e-5, 1e-5, 1e-5, 1e-4, 1e-4, 1e-3, 1e-3],
                    Outputs = ["μ", "σ²", "unbiased σ²", "1/σ", "y", "Σδ", "Σδx̂", "∂C/∂x"],
                };
            }
    }
}
