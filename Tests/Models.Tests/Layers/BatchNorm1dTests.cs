using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Layers;

/// <summary>BatchNorm1d on [N×F] is BatchNorm2d on [N×F×1×1]: same outputs, gradients and running statistics; and the
/// fixed-statistics (inference) backward against finite differences.</summary>
public class BatchNorm1dTests
{
    [Fact]
    public void Matches_batch_norm2d_on_one_pixel_channels_in_training_and_inference()
    {
        const int n = 6, f = 7;
        var one = new BatchNorm1d(f, momentum: 0.3f);
        var two = new BatchNorm2d(f, momentum: 0.3f);
        var rng = new Random(5);
        for (int i = 0; i < f; i++)
        {
            one.Gamma.Value[i] = two.Gamma.Value[i] = 0.5f + (float)rng.NextDouble();
            one.Beta.Value[i] = two.Beta.Value[i] = (float)rng.NextDouble() - 0.5f;
        }
        for (int step = 0; step < 3; step++)
        {
            var x = GradientCheck.Random(10 + step, 3f, 0f, n, f);
            System.Numerics.Tensors.TensorPrimitives.Add(x.Span, 2f, x.Span); // |μ| comparable to σ
            var dy = GradientCheck.Random(20 + step, 1f, 0f, n, f);
            one.ZeroGradients(); two.ZeroGradients();
            var y1 = one.Forward(x, training: true).Clone();
            var y2 = two.Forward(x.View(n, f, 1, 1), training: true).Clone();
            var dx1 = one.Backward(dy).Clone();
            var dx2 = two.Backward(dy.View(n, f, 1, 1)).Clone();
            AssertClose(y2, y1, "training output");
            AssertClose(dx2, dx1, "∂C/∂x");
            AssertClose(two.Gamma.Gradient, one.Gamma.Gradient, "∂C/∂γ");
            AssertClose(two.Beta.Gradient, one.Beta.Gradient, "∂C/∂β");
        }
        AssertClose(two.RunningMean, one.RunningMean, "running mean");
        AssertClose(two.RunningVariance, one.RunningVariance, "running variance");
        var probe = GradientCheck.Random(30, 2f, 0f, 3, f);
        AssertClose(two.Forward(probe.View(3, f, 1, 1), training: false), one.Forward(probe, training: false), "inference output");
    }

    [Fact]
    public void Inference_backward_matches_finite_differences_of_the_inference_forward()
    {
        var bn = new BatchNorm1d(4);
        bn.Forward(GradientCheck.Random(1, 2f, 0f, 8, 4), training: true); // running statistics away from 0 and 1
        var x = GradientCheck.Random(2, 2f, 0f, 3, 4);
        var r = GradientCheck.Random(3, 1f, 0f, 3, 4);
        bn.Forward(x, training: false);
        var dx = bn.Backward(r).Clone();
        double Objective()
        {
            var y = bn.Forward(x, training: false);
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += (double)r[i] * y[i];
            return s;
        }
        double error = GradientCheck.Function(x, Objective, dx);
        Assert.True(error <= GradientCheck.Tolerance, $"relative error {error:E2}");
    }

    [Fact]
    public void Rebuilds_from_its_spec_and_names_a_wrong_shape()
    {
        var bn = new BatchNorm1d(6272, momentum: 0.2f, epsilon: 1e-3f);
        var rebuilt = (BatchNorm1d)LayerRegistry.Build(LayerSpec.FromJson(bn.Spec.ToJson()));
        Assert.Equal((6272, 0.2f, 1e-3f), (rebuilt.Features, rebuilt.Momentum, rebuilt.Epsilon));
        Assert.Equal(2, rebuilt.Buffers.Count);
        var e = Assert.Throws<ArgumentException>(() => bn.Forward(new Tensor(2, 6271), training: true));
        Assert.Contains("[2×6271]", e.Message);
        Assert.Throws<ArgumentException>(() => bn.Forward(new Tensor(1, 6272), training: true));
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: {expected[i]} vs {actual[i]}");
    }
}
