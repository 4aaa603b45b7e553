using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>The generative networks' shapes, output ranges, seeding, and rebuilding from their specs (as a checkpoint does).</summary>
public class GenerativeNetworkTests
{
    [Fact]
    public void Dcgan_generator_turns_noise_into_28x28_images_in_minus_one_to_one_and_the_discriminator_into_one_logit()
    {
        var g = Dcgan.Generator();
        var d = Dcgan.Discriminator();
        Assert.Equal([1, 28, 28], g.OutputShape([64]));
        Assert.Equal([1], d.OutputShape([1, 28, 28]));
        var z = GradientCheck.Random(1, 3f, 0f, 4, 64);
        var images = g.Forward(z, training: true);
        Assert.Equal([4, 1, 28, 28], images.ShapeArray());
        Assert.All(images.Span.ToArray(), v => Assert.InRange(v, -1f, 1f));
        Assert.Equal([4, 1], d.Forward(images, training: true).ShapeArray());
        // The peer's parameter counts: G 64·6272+6272 + 2·6272 + 128·64·16+64 + 2·64 + 64·16+1; D 16·64+64 + 64·128·16+128 + 2·128 + 6272+1.
        Assert.Equal(64L * 6272 + 6272 + 2 * 6272 + 128 * 64 * 16 + 64 + 2 * 64 + 64 * 16 + 1, g.ParameterCount());
        Assert.Equal(16L * 64 + 64 + 64 * 128 * 16 + 128 + 2 * 128 + 6272 + 1, d.ParameterCount());
    }

    [Fact]
    public void Dcgan_weights_are_drawn_from_n_0_0_02_and_the_seed_fixes_them()
    {
        var g = Dcgan.Generator(seed: 3);
        var w = g.AllParameters().First(p => p.Name == "weight").Value.Span;
        double mean = System.Numerics.Tensors.TensorPrimitives.Sum(w) / w.Length, sd = Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(w) / w.Length - mean * mean);
        Assert.InRange(sd, 0.019, 0.021);
        Assert.Equal(w.ToArray(), Dcgan.Generator(seed: 3).AllParameters().First().Value.Span.ToArray());
        Assert.NotEqual(w.ToArray(), Dcgan.Generator(seed: 4).AllParameters().First().Value.Span.ToArray());
    }

    [Fact]
    public void Gmmn_networks_have_the_papers_shapes()
    {
        var g = Gmmn.Generator();
        Assert.Equal([784], g.OutputShape([10]));
        Assert.Equal([10, 64, 256, 256, 1024], g.Children.OfType<Dense>().Select(l => l.Inputs));
        var pixels = g.Forward(GradientCheck.Random(2, 1f, 0f, 3, 10), training: true);
        Assert.All(pixels.Span.ToArray(), v => Assert.InRange(v, 0f, 1f));

        var (encoder, decoder) = Gmmn.Autoencoder();
        Assert.Equal([32], encoder.OutputShape([784]));
        Assert.Equal([784], decoder.OutputShape([32]));
        Assert.Contains(encoder.Children, l => l is Dropout);
        Assert.IsType<Sigmoid>(encoder.Children[^1]);
        Assert.IsType<Sigmoid>(decoder.Children[^1]);

        var codes = Gmmn.CodeGenerator();
        Assert.Equal([32], codes.OutputShape([10]));
        Assert.IsType<Sigmoid>(codes.Children[^1]);
    }

    [Fact]
    public void Every_generative_network_rebuilds_from_its_spec()
    {
        var (encoder, decoder) = Gmmn.Autoencoder();
        foreach (var net in new Layer[] { Dcgan.Generator(), Dcgan.Discriminator(), Gmmn.Generator(), Gmmn.CodeGenerator(), encoder, decoder })
        {
            var rebuilt = LayerRegistry.Build(LayerSpec.FromJson(net.Spec.ToJson()));
            Assert.Equal(net.Spec.ToJson(), rebuilt.Spec.ToJson());
            Assert.Equal(net.ParameterCount(), rebuilt.ParameterCount());
            Assert.Equal(net.AllBuffers().Count(), rebuilt.AllBuffers().Count());
        }
    }
}
