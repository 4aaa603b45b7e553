using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Conv;

public class Im2ColProductsTests
{
    private static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
    }

    [Theory]
    [InlineData(6, 50_176, 25)]   // LeNet conv1 forward over a batch of 64
    [InlineData(25, 3_001, 6)]    // its ∂C/∂columns, odd n
    [InlineData(5, 17, 3)]        // remainders everywhere
    [InlineData(16, 1_000, 150)]
    [InlineData(1, 40, 1)]
    public void Expand_matches_the_reference(int m, int n, int k)
    {
        var a = Random(m * k, 1); var b = Random(k * n, 2);
        foreach (bool accumulate in new[] { false, true })
        {
            var c = Random(m * n, 3); var expected = (float[])c.Clone();
            Im2ColProducts.Expand(m, n, k, a, k, b, n, c, n, accumulate);
            GemmReference.Multiply(false, false, m, n, k, a, k, b, n, expected, n, accumulate);
            for (int i = 0; i < c.Length; i++) Assert.True(Math.Abs(expected[i] - c[i]) <= 1e-4, $"{i}: {expected[i]} vs {c[i]}");
        }
    }

    [Theory]
    [InlineData(6, 25, 50_176)]
    [InlineData(16, 150, 6_400)]
    [InlineData(3, 5, 37)]
    [InlineData(7, 1, 70_000)]
    public void Reduce_matches_the_reference(int m, int k, int n)
    {
        var a = Random(m * n, 4); var b = Random(k * n, 5);
        var d = Random(m * k, 6); var expected = (float[])d.Clone();
        Im2ColProducts.Reduce(m, k, n, a, n, b, n, d, k);
        GemmReference.Multiply(false, true, m, k, n, a, n, b, n, expected, k, accumulate: true);
        double scale = Math.Sqrt(n);
        for (int i = 0; i < d.Length; i++) Assert.True(Math.Abs(expected[i] - d[i]) <= 1e-4 * scale, $"{i}: {expected[i]} vs {d[i]}");
    }

    [Fact]
    public void A_first_layer_without_input_gradient_still_learns_its_weights()
    {
        var x = GradientCheck.Random(new Random(1), 2, 1, 6, 6);
        var dy = GradientCheck.Random(new Random(2), 2, 3, 6, 6);
        var full = new Conv2d(1, 3, 3, padding: 1, rng: new Random(3));
        var first = new Conv2d(1, 3, 3, padding: 1, rng: new Random(3)) { InputGradient = false };
        full.Forward(x, true); full.Backward(dy);
        first.Forward(x, true);
        var dx = first.Backward(dy);
        Assert.Equal(full.Weight.Gradient.Span.ToArray(), first.Weight.Gradient.Span.ToArray());
        Assert.All(dx.Span.ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains("input_gradient", first.Spec.ToJson());
    }
}
