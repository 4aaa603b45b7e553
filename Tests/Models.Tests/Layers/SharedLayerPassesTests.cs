using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Kernels;
using NeuralPipelines.Models.Tests.Kernels.Twins;

namespace NeuralPipelines.Models.Tests.Layers;

/// <summary>The DCGAN layers whose passes now share feature ranges or images between threads (BatchNorm1d, Dense's bias,
/// Reshape and Flatten's copies, the one-output Dense) give the same bits on one thread as on two, on MNIST pixels in the
/// step's own shapes (batch 64; 6272 = 128×7×7 features); and the one-output Dense agrees with the definition.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class SharedLayerPassesTests
{
    private const int Batch = 64, Features = 6272;

    private static Tensor Pixels(int offset, float shift, params int[] shape) =>
        new(TwinData.Pixels(shape.Aggregate(1L, (a, b) => a * b), offset, shift), shape);

    /// <summary>Runs <paramref name="pass"/> on one thread and on two; every array it returns must be the same bits.</summary>
    private static void SameBitsOnOneAndTwoThreads(Func<float[][]> pass)
    {
        using var settings = new KernelSettingsScope(loopThreads: 1);
        var one = pass();
        KernelLoop.MaxThreads = 2;
        var two = pass();
        for (int k = 0; k < one.Length; k++)
            Assert.True(one[k].AsSpan().SequenceEqual(two[k]), $"output {k} differs between one thread and two");
    }

    [Fact]
    public void BatchNorm1d_on_the_generators_6272_features_is_the_same_on_one_thread_and_two_and_matches_batch_norm2d()
    {
        var x = Pixels(0, -0.3f, Batch, Features);
        var dy = Pixels(4111, -0.5f, Batch, Features);
        SameBitsOnOneAndTwoThreads(() =>
        {
            var layer = new BatchNorm1d(Features);
            var y = layer.Forward(x, training: true).Span.ToArray();
            var dx = layer.Backward(dy).Span.ToArray();
            var inference = layer.Forward(x, training: false).Span.ToArray();
            return [y, dx, inference, layer.Gamma.Gradient.Span.ToArray(), layer.Beta.Gradient.Span.ToArray(),
                layer.RunningMean.Span.ToArray(), layer.RunningVariance.Span.ToArray()];
        });
        var one = new BatchNorm1d(Features);
        var two = new BatchNorm2d(Features);
        var y1 = one.Forward(x, training: true).Span.ToArray();
        var y2 = two.Forward(x.View(Batch, Features, 1, 1), training: true).Span.ToArray();
        var dx1 = one.Backward(dy).Span.ToArray();
        var dx2 = two.Backward(dy.View(Batch, Features, 1, 1)).Span.ToArray();
        // MNIST's border pixels are nearly constant, so a few features have σ ≈ 0 and ∂C/∂x of size 1/√ε there, where the
        // float (BatchNorm1d) and double (BatchNorm2d) sums part in the last places: ∂C/∂x is compared at that scale.
        float scale = dx2.Max(MathF.Abs);
        for (int i = 0; i < y1.Length; i += 97)
        {
            Assert.True(Math.Abs(y1[i] - y2[i]) <= 1e-4f * (1 + Math.Abs(y2[i])), $"y[{i}]: {y1[i]} against {y2[i]}");
            Assert.True(Math.Abs(dx1[i] - dx2[i]) <= 1e-4f * (1 + scale), $"∂C/∂x[{i}]: {dx1[i]} against {dx2[i]}");
        }
    }

    [Fact]
    public void Dense_bias_reshape_and_flatten_of_the_generators_first_layer_are_the_same_on_one_thread_and_two()
    {
        var z = Pixels(17, -0.4f, Batch, 64);
        var dy = Pixels(3001, -0.5f, Batch, 128, 7, 7);
        SameBitsOnOneAndTwoThreads(() =>
        {
            var dense = new Dense(64, Features, rng: new Random(3));
            var reshape = new Reshape(128, 7, 7);
            var flatten = new Flatten();
            var image = reshape.Forward(dense.Forward(z, training: true), training: true);
            var flat = flatten.Forward(image, training: true).Span.ToArray();
            var back = reshape.Backward(dy);
            dense.Backward(back);
            var restored = flatten.Backward(dy.View(Batch, Features)).Span.ToArray();
            return [image.Span.ToArray(), flat, restored, dense.Weight.Gradient.Span.ToArray(), dense.Bias.Gradient.Span.ToArray()];
        });
    }

    [Fact]
    public void A_one_output_dense_layer_is_the_definition_and_the_same_on_one_thread_and_two()
    {
        var x = Pixels(5, -0.3f, Batch, Features);
        var dy = Pixels(77, -0.5f, Batch, 1);
        SameBitsOnOneAndTwoThreads(() =>
        {
            var dense = new Dense(Features, 1, rng: new Random(9));
            var y = dense.Forward(x, training: true).Span.ToArray();
            var dx = dense.Backward(dy).Span.ToArray();
            return [y, dx, dense.Weight.Gradient.Span.ToArray(), dense.Bias.Gradient.Span.ToArray()];
        });
        var layer = new Dense(Features, 1, rng: new Random(9));
        var w = layer.Weight.Value.Span.ToArray();
        float b = 0.25f;
        layer.Bias.Value[0] = b;
        var z = layer.Forward(x, training: true).Span.ToArray();
        var d = layer.Backward(dy).Span.ToArray();
        var dw = layer.Weight.Gradient.Span.ToArray();
        for (int i = 0; i < Batch; i++)
        {
            double sum = b;
            for (int k = 0; k < Features; k++) sum += (double)x[i * Features + k] * w[k];
            Assert.True(Math.Abs(z[i] - sum) <= 1e-4 * (1 + Math.Abs(sum)), $"z[{i}]: {z[i]} against {sum}");
            for (int k = 0; k < Features; k += 61)
                Assert.Equal(dy[i] * w[k], d[i * Features + k]);
        }
        for (int k = 0; k < Features; k += 13)
        {
            double sum = 0;
            for (int i = 0; i < Batch; i++) sum += (double)dy[i] * x[i * Features + k];
            Assert.True(Math.Abs(dw[k] - sum) <= 1e-4 * (1 + Math.Abs(sum)), $"∂C/∂w[{k}]: {dw[k]} against {sum}");
        }
    }
}
