using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Gradients;

/// <summary>BCE with logits: gradient against finite differences, the textbook form where that is finite, and finite
/// costs and exact gradients where the sigmoid saturates.</summary>
public class BceWithLogitsCostTests
{
    [Fact]
    public void Gradient_matches_finite_differences_with_soft_and_hard_targets()
    {
        var z = GradientCheck.Random(3, 4f, 0f, 5, 3);
        var y = new Tensor(5, 3);
        for (int i = 0; i < y.Length; i++) y[i] = i % 3 == 0 ? 1f : i % 3 == 1 ? 0f : 0.9f;
        double error = GradientCheck.Loss(new BceWithLogitsCost(), z, y);
        Assert.True(error <= GradientCheck.Tolerance, $"relative error {error:E2}");
    }

    [Fact]
    public void Equals_the_textbook_cost_averaged_over_the_batch_with_gradient_sigma_minus_y_over_n()
    {
        var z = new Tensor([-3f, -0.5f, 0f, 0.7f, 2.5f, 6f], 6, 1);
        var y = new Tensor([0f, 1f, 1f, 0f, 1f, 1f], 6, 1);
        var gradient = new Tensor(6, 1);
        double c = new BceWithLogitsCost().Compute(z, y, gradient);
        double expected = 0;
        for (int i = 0; i < 6; i++)
        {
            double a = 1 / (1 + Math.Exp(-z[i]));
            expected -= y[i] * Math.Log(a) + (1 - y[i]) * Math.Log(1 - a);
            Assert.Equal((a - y[i]) / 6, gradient[i], 6);
        }
        Assert.Equal(expected / 6, c, 6);
    }

    [Fact]
    public void Stays_finite_and_exact_where_the_sigmoid_saturates()
    {
        var z = new Tensor([-200f, -40f, 40f, 200f], 4, 1);
        var y = new Tensor([1f, 0f, 1f, 0f], 4, 1);
        var gradient = new Tensor(4, 1);
        double c = new BceWithLogitsCost().Compute(z, y, gradient);
        // Wrong by 200 twice, right by a margin twice: the cost is about (200 + 200)/4.
        Assert.Equal(100, c, 3);
        // σ(−40) = 4.2e-18 is representable: the gradient there is tiny, not rounded to zero by a 1 − σ.
        Assert.Equal([-0.25f, (float)(Math.Exp(-40) / 4), 0f, 0.25f], gradient.Span.ToArray());
        Assert.Equal("bce-with-logits", new BceWithLogitsCost().Name);
        Assert.Equal(OutputActivation.Sigmoid, new BceWithLogitsCost().OutputActivation);
    }
}
