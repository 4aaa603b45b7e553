using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>Pooling kernels against <see cref="PoolingReference"/>: the zoo's windows (2×2 stride 2, 3×3 stride 2 padded,
/// 3×3 stride 1), odd planes, a window as large as the plane, enough planes for two threads; on MNIST pixels (ties
/// everywhere: the first maximum must win) and on all-negative ones (a padded window must not pick the padding's 0).
/// Maxima and their gradients are the same bits; means within a relative 1e-6.</summary>
public static class PoolingCases
{
    // Planes, H, W, kernel, stride, padding.
    public static readonly int[][] Shapes =
    [
        [24, 28, 28, 2, 2, 0], [24, 28, 28, 3, 2, 1], [24, 28, 28, 3, 1, 1], [5, 7, 7, 3, 2, 1], [3, 5, 6, 2, 2, 0],
        [2, 1, 1, 1, 1, 0], [4, 13, 11, 3, 3, 1], [6, 4, 4, 4, 1, 0], [96, 28, 28, 3, 2, 1],
    ];

    /// <summary>The four kernels' outputs in one case: max y, winners (as floats), max ∂C/∂x, mean y and ∂C/∂x without
    /// and with the padding counted; the twin's the same from <see cref="PoolingReference"/>.</summary>
    public delegate float[][] Pool(float[] x, float[] dy, Im2ColGeometry g);

    public static IEnumerable<TwinCase> Sweep(Pool fast, Func<Im2ColGeometry, bool>? takes = null)
    {
        foreach (var a in Shapes)
            foreach (float shift in new[] { -0.3f, -1.5f })
            {
                var g = new Im2ColGeometry(a[0], a[1], a[2], a[3], a[3], a[4], a[4], a[5], a[5]);
                if (takes is not null && !takes(g)) continue;
                var x = TwinData.Pixels(g.Channels * g.Height * g.Width, a.Sum(), shift);
                var dy = TwinData.Pixels(g.Channels * g.OutPixels, 31 * a.Sum(), -0.5f);
                yield return new TwinCase($"{g} on {(shift < -1 ? "all-negative" : "signed")} pixels", () => fast(x, dy, g), () => Twin(x, dy, g))
                {
                    Tolerances = [0, 0, 0, 1e-6],
                    Outputs = ["max y", "winners", "max ∂C/∂x", "mean y", "mean ∂C/∂x", "mean y (padding counted)", "mean ∂C/∂x (padding counted)"],
                };
            }
    }

    private static float[][] Twin(float[] x, float[] dy, Im2ColGeometry g)
    {
        var (y, winners, dx) = (new float[dy.Length], new int[dy.Length], new float[x.Length]);
        PoolingReference.MaxForward(x, g, y, winners);
        PoolingReference.MaxBackward(dy, winners, g, dx);
        var outputs = new List<float[]> { y, Array.ConvertAll(winners, w => (float)w), dx };
        foreach (bool countPad in new[] { false, true })
        {
            var (mean, dmean) = (new float[dy.Length], new float[x.Length]);
            PoolingReference.AverageForward(x, g, countPad, mean);
            PoolingReference.AverageBackward(dy, g, countPad, dmean);
            outputs.Add(mean); outputs.Add(dmean);
        }
        return [.. outputs];
    }
}
