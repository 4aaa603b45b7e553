namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>A Gaussian kernel sum over A[n×d] and B[m×d] with bandwidths σ; returns [Σ k(a, b)], the gradient it added to a
/// non-zero start (scaled by −0.75), and [Σ over the pairs of A with itself].</summary>
public delegate float[][] KernelSum(float[] a, int n, float[] b, int m, int d, float[] sigmas, float[] gradient);

/// <summary>Sums of Gaussian kernels against their twin: one row, fewer rows than a block and more (256), single features
/// and image rows of 784 pixels. The sums within a relative 1e-5, the gradient within 1e-4 of its largest entry, as in
/// <c>GaussianKernelSumsTests</c>.</summary>
public static class KernelSumCases
{
    // n, m, d.
    public static readonly int[][] Shapes = [[1, 1, 1], [7, 5, 1], [33, 17, 3], [300, 270, 20], [40, 50, 784], [257, 3, 5]];

    public static IEnumerable<TwinCase> Sweep(KernelSum fast, KernelSum twin)
    {
        foreach (var s in Shapes)
        {
            int n = s[0], m = s[1], d = s[2];
            float[] sigmas = d == 784 ? [2f, 5f, 10f, 20f, 40f, 80f] : [0.5f, 1f, 2f];
            var a = TwinData.Pixels(n * d, n * 31 + d, -0.3f, scale: d == 784 ? 1f : 2f);
            var b = TwinData.Pixels(m * d, m * 17 + d, 0f, scale: d == 784 ? 1f : 2f);
            var start = TwinData.Pixels(n * d, 5, -0.5f);
            yield return new TwinCase($"{n}×{d} against {m}×{d}",
                () => fast(a, n, b, m, d, sigmas, (float[])start.Clone()), () => twin(a, n, b, m, d, sigmas, (float[])start.Clone()))
            {
                Tolerances = [1e-5, 1e-4, 1e-5],
                Scale = () =>
                {
                    var t = twin(a, n, b, m, d, sigmas, (float[])start.Clone());
                    float largest = Math.Max(1f, t[1].Max(MathF.Abs));
                    return [[Math.Abs(t[0][0])], Enumerable.Repeat(largest, t[1].Length).ToArray(), [Math.Abs(t[2][0])]];
                },
                Outputs = ["Σk", "∂/∂A", "Σk over A×A"],
            };
        }
    }
}
