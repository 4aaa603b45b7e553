using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Conv;

/// <summary>The checker must be able to fail: layers with deliberately wrong backward passes.</summary>
public class GradientCheckerTests
{
    /// <summary>Wraps a layer and spoils its backward: ∂C/∂x scaled by 1.01, or one weight gradient nudged.</summary>
    private sealed class Planted(Layer inner, bool spoilInput) : Layer
    {
        public override IReadOnlyList<Layer> Children => [inner];
        public override LayerSpec Spec => new("planted");
        public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inner.OutputShape(inputShape);
        public override Tensor Forward(Tensor x, bool training) => inner.Forward(x, training);

        public override Tensor Backward(Tensor dy)
        {
            var dx = inner.Backward(dy);
            if (spoilInput) System.Numerics.Tensors.TensorPrimitives.Multiply(dx.Span, 1.01f, dx.Span);
            else inner.AllParameters().First().Gradient[3] += 0.05f;
            return dx;
        }
    }

    [Fact]
    public void Correct_backward_passes()
    {
        var result = GradientChecker.Check(new Conv2d(2, 3, 3, padding: 1, rng: new Random(1)), GradientChecker.Random(new Random(2), 2, 2, 5, 5));
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    [Fact]
    public void A_one_percent_error_in_the_input_gradient_is_caught()
    {
        var layer = new Planted(new Conv2d(2, 3, 3, padding: 1, rng: new Random(1)), spoilInput: true);
        var result = GradientChecker.Check(layer, GradientChecker.Random(new Random(2), 2, 2, 5, 5));
        Assert.True(result.Error > 1e-3, result.ToString());
        Assert.Equal("x", result.Worst);
    }

    [Fact]
    public void A_wrong_weight_gradient_is_caught()
    {
        var layer = new Planted(new Conv2d(2, 3, 3, padding: 1, rng: new Random(1)), spoilInput: false);
        var result = GradientChecker.Check(layer, GradientChecker.Random(new Random(2), 2, 2, 5, 5));
        Assert.True(result.Error > 1e-3, result.ToString());
        Assert.StartsWith("weight", result.Worst);
    }
}
