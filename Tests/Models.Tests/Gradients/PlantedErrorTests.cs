using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Gradients;

/// <summary>The gradient check can fail: layers with a deliberately wrong backward pass must be caught.</summary>
public class PlantedErrorTests
{
    /// <summary>A sigmoid whose backward uses σ(z) where σ'(z) belongs, a classic slip.</summary>
    private sealed class WrongDerivativeSigmoid : Activation
    {
        public override LayerSpec Spec => new("wrong-sigmoid");
        protected override void Activate(ReadOnlySpan<float> z, Span<float> a) => System.Numerics.Tensors.TensorPrimitives.Sigmoid(z, a);
        protected override void MultiplyByDerivative(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dy, Span<float> dx)
        {
            for (int i = 0; i < dx.Length; i++) dx[i] = dy[i] * a[i];
        }
    }

    /// <summary>A dense layer whose bias gradient is 1% too large (a subtle error, not a gross one).</summary>
    private sealed class SlightlyWrongBiasDense(Dense inner) : Layer
    {
        public override IReadOnlyList<Layer> Children => [inner];
        public override LayerSpec Spec => new("wrong-dense");
        public override int[] OutputShape(ReadOnlySpan<int> s) => inner.OutputShape(s);
        public override Tensor Forward(Tensor x, bool training) => inner.Forward(x, training);
        public override Tensor Backward(Tensor dy)
        {
            var before = inner.Bias.Gradient.Clone();
            var dx = inner.Backward(dy);
            var g = inner.Bias.Gradient.Span;
            for (int i = 0; i < g.Length; i++) g[i] = before[i] + 1.01f * (g[i] - before[i]);
            return dx;
        }
    }

    /// <summary>Wraps a convolution and spoils its backward: ∂C/∂x scaled by 1.01, or one weight gradient nudged.</summary>
    private sealed class SpoiltConvolution(Layer inner, bool spoilInput) : Layer
    {
        public override IReadOnlyList<Layer> Children => [inner];
        public override LayerSpec Spec => new("spoilt-convolution");
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

    private static Conv2d Convolution() => new(2, 3, 3, padding: 1, rng: new Random(1));

    private static Tensor Images() => GradientCheck.Random(new Random(2), 2, 2, 5, 5);

    [Fact]
    public void The_unspoilt_convolution_passes()
    {
        var result = GradientCheck.Layer(Convolution(), Images());
        Assert.True(result.Error <= GradientCheck.Tolerance, result.ToString());
    }

    [Fact]
    public void A_one_percent_error_in_the_input_gradient_fails_the_check()
    {
        var result = GradientCheck.Layer(new SpoiltConvolution(Convolution(), spoilInput: true), Images());
        Assert.True(result.Error > GradientCheck.Tolerance, result.ToString());
        Assert.Equal("input", result.Where);
    }

    [Fact]
    public void One_wrong_weight_gradient_fails_the_check()
    {
        var result = GradientCheck.Layer(new SpoiltConvolution(Convolution(), spoilInput: false), Images());
        Assert.True(result.Error > GradientCheck.Tolerance, result.ToString());
        Assert.StartsWith("parameter weight", result.Where);
    }

    [Fact]
    public void A_wrong_activation_derivative_fails_the_check()
    {
        var (error, _, _) = GradientCheck.Layer(new WrongDerivativeSigmoid(), GradientCheck.Random(1, 2f, 0f, 3, 4));
        Assert.True(error > GradientCheck.Tolerance, $"planted error not detected (relative error {error:E2})");
    }

    [Fact]
    public void A_one_percent_error_in_a_bias_gradient_fails_the_check()
    {
        var layer = new SlightlyWrongBiasDense(new Dense(4, 3, Initializer.Scaled, new Random(1)));
        var (error, where, _) = GradientCheck.Layer(layer, GradientCheck.Random(2, 1f, 0f, 5, 4));
        Assert.True(error > GradientCheck.Tolerance, $"planted error not detected (relative error {error:E2})");
        Assert.Equal("parameter bias", where);
    }
}
