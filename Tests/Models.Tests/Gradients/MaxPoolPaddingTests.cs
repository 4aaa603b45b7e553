using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Gradients;

/// <summary>Max-pool padding counts as −∞, shown where it matters: on all-negative inputs, where a zero-padding rule would
/// give different answers (positive inputs cannot tell the two rules apart, and neither can a finite-difference check,
/// which only compares the layer with itself).</summary>
public class MaxPoolPaddingTests
{
    /// <summary>Plain max pooling over a padded plane whose padding holds <paramref name="pad"/>.</summary>
    private static float[] Reference(Tensor x, int k, int s, int p, float pad)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        int oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
        var y = new float[n * c * oh * ow];
        for (int plane = 0; plane < n * c; plane++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    float best = float.NegativeInfinity;
                    for (int u = 0; u < k; u++)
                        for (int v = 0; v < k; v++)
                        {
                            int r = i * s - p + u, q = j * s - p + v;
                            bool inside = r >= 0 && r < h && q >= 0 && q < w;
                            best = Math.Max(best, inside ? x[(plane * h + r) * w + q] : pad);
                        }
                    y[(plane * oh + i) * ow + j] = best;
                }
        return y;
    }

    [Theory]
    [InlineData(3, 2, 1, 7, 7)]
    [InlineData(3, 1, 1, 5, 4)]
    [InlineData(2, 2, 1, 6, 5)]
    public void On_all_negative_inputs_padding_never_wins(int k, int s, int p, int h, int w)
    {
        var x = GradientCases.Distinct(3, centre: -1.5f, 2, 2, h, w);
        Assert.All(x.Span.ToArray(), v => Assert.True(v < 0));
        var pool = new MaxPool2d(k, s, p);
        foreach (bool training in new[] { false, true })
        {
            var y = pool.Forward(x, training).Span.ToArray();
            Assert.Equal(Reference(x, k, s, p, float.NegativeInfinity), y);
            // The input discriminates: zero padding would have put 0 in every window that overlaps the border.
            Assert.NotEqual(Reference(x, k, s, p, 0f), y);
        }
    }

    [Fact]
    public void On_all_negative_inputs_every_delta_reaches_an_input()
    {
        var x = GradientCases.Distinct(4, centre: -1.5f, 2, 3, 7, 7);
        var pool = new MaxPool2d(3, 2, 1);
        var y = pool.Forward(x, training: true);
        var dy = GradientCheck.Random(new Random(5), y.ShapeArray());
        var dx = pool.Backward(dy);
        // Each δ goes to the input that won its window; had padding won a window, its δ would be lost.
        Assert.Equal(dy.Span.ToArray().Sum(v => (double)v), dx.Span.ToArray().Sum(v => (double)v), 4);
    }
}
