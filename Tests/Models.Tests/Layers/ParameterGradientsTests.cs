using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Training;

namespace NeuralPipelines.Models.Tests.Layers;

/// <summary>
/// <see cref="Layer.ParameterGradients"/> = false is the twin of a full backward pass: the same ∂C/∂input bits, and
/// every parameter gradient left exactly as it was. Checked on every layer kind that owns parameters, on each of the
/// convolution routes (direct, whole-batch columns, chunked columns), and on DCGAN's two networks fed shipped MNIST digits.
/// </summary>
public class ParameterGradientsTests
{
    private static Tensor Random(Random rng, params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++) t[i] = (float)(rng.NextDouble() * 2 - 1);
        return t;
    }

    /// <summary>Runs forward + backward with parameter gradients on, then again with them off; the gradients start from
    /// a non-zero sentinel so that any write, even of zero, shows.</summary>
    private static void CheckTwin(Layer layer, Tensor x, int seed = 7)
    {
        var parameters = layer.AllParameters().ToArray();
        Assert.NotEmpty(parameters);
        var rng = new Random(seed);
        var y = layer.Forward(x, training: true);
        var dy = Random(rng, y.ShapeArray());
        var full = layer.Backward(dy).Span.ToArray();
        var fullGradients = parameters.Select(p => p.Gradient.Span.ToArray()).ToArray();
        Assert.Contains(fullGradients.SelectMany(g => g), v => v != 0f); // the full pass did write gradients

        foreach (var p in parameters) p.Gradient.Span.Fill(0.25f);
        layer.SetParameterGradients(false);
        try
        {
            layer.Forward(x, training: true);
            var skipped = layer.Backward(dy).Span.ToArray();
            Assert.Equal(full, skipped);
        }
        finally { layer.SetParameterGradients(true); }
        foreach (var p in parameters) Assert.All(p.Gradient.Span.ToArray(), v => Assert.Equal(0.25f, v));
        Assert.All(Flatten(layer), l => Assert.True(l.ParameterGradients));
    }

    private static IEnumerable<Layer> Flatten(Layer layer) => layer.Children.SelectMany(Flatten).Prepend(layer);

    [Fact]
    public void Dense_and_batch_norm_1d_skip_their_gradients_and_give_the_same_input_gradient()
    {
        var rng = new Random(1);
        CheckTwin(new Dense(12, 5, Initializer.He, rng), Random(rng, 6, 12));
        CheckTwin(new BatchNorm1d(9), Random(rng, 6, 9));
    }

    [Fact]
    public void Every_convolution_route_skips_its_gradients_and_gives_the_same_input_gradient()
    {
        var rng = new Random(2);
        // Direct route (few taps), whole-batch columns (stride 2, 4×4 on 3 channels), and both in transpose.
        CheckTwin(new Conv2d(3, 4, 3, padding: 1, rng: rng), Random(rng, 2, 3, 6, 6));
        CheckTwin(new Conv2d(40, 4, 4, stride: 2, padding: 1, rng: rng), Random(rng, 2, 40, 8, 8));
        CheckTwin(new ConvTranspose2d(4, 3, 4, stride: 2, padding: 1, rng: rng), Random(rng, 2, 4, 5, 5));
        CheckTwin(new BatchNorm2d(3), Random(rng, 2, 3, 4, 4));
    }

    [Fact]
    public void The_dcgan_networks_on_mnist_digits_skip_their_gradients_on_the_chunked_route_too()
    {
        // Batch 64 puts D's 64→128 and G's 128→64 layers on the chunked-columns route, as in the race.
        var train = MnistTrainingTests.Mnist.Value.Train;
        int length = train.Channels * train.Height * train.Width;
        var digits = new Tensor(64, train.Channels, train.Height, train.Width);
        for (int i = 0; i < digits.Length; i++) digits[i] = 2 * train.Pixels[i] - 1;
        Assert.Equal(64 * length, digits.Length);
        CheckTwin(Dcgan.Discriminator(seed: 3), digits);
        CheckTwin(Dcgan.Generator(seed: 4), Random(new Random(5), 64, 64));
    }
}
