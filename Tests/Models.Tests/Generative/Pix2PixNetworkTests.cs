using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;
using NeuralPipelines.Models.Training;
using Xunit.Abstractions;

namespace NeuralPipelines.Models.Tests.Generative;

public class Pix2PixNetworkTests(ITestOutputHelper output)
{
    /// <summary>Audit H5: --n-layers 4 at 32×32 (5 at 64×64) passed the options' check and failed in the first step
    /// inside a convolution; the deepest PatchGAN a size takes is now known, and the options refuse a deeper one.</summary>
    [Theory]
    [InlineData(32, 3)]
    [InlineData(64, 4)]
    [InlineData(128, 5)]
    public void The_deepest_patchgan_a_size_takes_gives_logits_and_one_more_layer_does_not(int size, int deepest)
    {
        Assert.Equal(deepest, PatchGan.MaxLayers(size));
        Assert.All(PatchGan.Build(ndf: 1, nLayers: deepest).OutputShape([3, size, size]).Skip(1), side => Assert.True(side >= 1));
        Assert.ThrowsAny<ArgumentException>(() => PatchGan.Build(ndf: 1, nLayers: deepest + 1).OutputShape([3, size, size]));
        if (deepest < 5)
        {
            var e = Assert.Throws<OptionRangeException>(() => new ColorizerOptions(Size: size, NLayers: deepest + 1).Validate());
            Assert.StartsWith($"NLayers {deepest + 1}:", e.Message);
            Assert.StartsWith($"--n-layers {deepest + 1}:", e.CommandLineMessage);
            Assert.Contains($"at most {deepest}", e.Message);
            new ColorizerOptions(Loss: ColorizerLoss.L1, Size: size, NLayers: deepest + 1).Validate(); // no PatchGAN is built for l1
        }
        new ColorizerOptions(Size: size, NLayers: deepest).Validate();
    }

    // The libtorch peer's counts (run.sh pix2pix prints G + D): the reference implementation's networks at 64×64.
    [Theory]
    [InlineData(64, 29_240_002L, 2_765_633L)]
    [InlineData(32, 7_312_738L, 694_689L)]
    public void Parameter_counts_match_the_reference_networks(int width, long generator, long discriminator)
    {
        var g = UNet.Build(64, ngf: width);
        var d = PatchGan.Build(ndf: width);
        output.WriteLine($"ngf {width}: U-Net {g.ParameterCount():N0}, PatchGAN {d.ParameterCount():N0}, together {g.ParameterCount() + d.ParameterCount():N0}");
        Assert.Equal(generator, g.ParameterCount());
        Assert.Equal(discriminator, d.ParameterCount());
    }

    [Fact]
    public void Shapes_at_64_and_32_pixels_and_the_patch_grid()
    {
        Assert.Equal(6, UNet.Levels(64));
        Assert.Equal([2, 64, 64], UNet.Build(64, ngf: 4).OutputShape([1, 64, 64]));
        Assert.Equal([2, 32, 32], UNet.Build(32, ngf: 4).OutputShape([1, 32, 32]));
        Assert.Equal([1, 6, 6], PatchGan.Build(ndf: 4).OutputShape([3, 64, 64]));
        Assert.Equal([1, 14, 14], PatchGan.Build(ndf: 4, nLayers: 2).OutputShape([3, 64, 64]));
        Assert.Equal(70, PatchGan.ReceptiveField(3));
        Assert.Equal(34, PatchGan.ReceptiveField(2));
        Assert.Equal(16, PatchGan.ReceptiveField(1));
        Assert.Throws<ArgumentException>(() => UNet.Levels(48));
    }

    [Fact]
    public void Dropout_sits_on_the_inner_8ngf_levels_but_the_innermost()
    {
        static int Dropouts(Layer l) => (l is Dropout ? 1 : 0) + l.Children.Sum(Dropouts);
        Assert.Equal(1, Dropouts(UNet.Build(64, ngf: 2)));
        Assert.Equal(0, Dropouts(UNet.Build(32, ngf: 2)));
        Assert.Equal(3, Dropouts(UNet.Build(256, ngf: 1)));
    }

    [Fact]
    public void A_skip_block_passes_its_input_through_in_the_first_channels()
    {
        var block = new UNetSkipBlock(new Sequential(new Conv2d(2, 3, 4, stride: 2, padding: 1)), null,
            new Sequential(new ConvTranspose2d(3, 5, 4, stride: 2, padding: 1)));
        var x = GradientCheck.Random(new Random(1), 2, 2, 4, 4);
        var y = block.Forward(x, training: false);
        Assert.Equal([2, 7, 4, 4], y.ShapeArray());
        for (int i = 0; i < 2; i++)
            Assert.Equal(x.Span.Slice(i * 32, 32).ToArray(), y.Span.Slice(i * 112, 32).ToArray());
    }

    [Fact]
    public void The_unet_backward_matches_finite_differences()
    {
        var unet = UNet.Build(8, inChannels: 1, outChannels: 2, ngf: 2, seed: 3);
        ((Conv2d)((Sequential)unet.Down).Children[0]).InputGradient = true;
        // N(0, 0.02²) weights feed batch-norms whose 1/σ then magnifies a finite-difference step of 1e-3 into a 5% change
        // of a weight: far outside the linear regime. Weights of order 0.5 keep the probe local.
        Rescale(unet, 7);
        var x = GradientCheck.Random(4, 1f, 0.05f, 3, 1, 8, 8);
        var (error, where, lines) = GradientCheck.Layer(unet, x, samples: 60);
        output.WriteLine(string.Join("\n", lines));
        // Five levels deep with three batch-norms, float32 rounding (small steps) and ReLU kinks (large ones) meet at about
        // 2e-3: a looser bound than the one-layer checks, which hold the block itself to 1e-3 (the test below).
        Assert.True(error <= 5 * GradientCheck.Tolerance, $"relative error {error:E2} at {where}");
    }

    [Fact]
    public void A_skip_block_with_dropout_and_an_inner_block_matches_finite_differences()
    {
        var rng = new Random(5);
        var inner = new UNetSkipBlock(new Sequential(new LeakyReLU(0.2f), new Conv2d(3, 4, 4, stride: 2, padding: 1, rng: rng)), null,
            new Sequential(new ReLU(), new ConvTranspose2d(4, 3, 4, stride: 2, padding: 1, rng: rng), new Dropout(0.5f)));
        var block = new UNetSkipBlock(new Sequential(new Conv2d(2, 3, 4, stride: 2, padding: 1, bias: false, rng: rng), new BatchNorm2d(3)), inner,
            new Sequential(new ReLU(), new ConvTranspose2d(6, 2, 4, stride: 2, padding: 1, rng: rng), new Tanh()), outermost: true);
        var x = GradientCheck.Random(6, 1f, 0.05f, 2, 2, 8, 8);
        var dropout = (Dropout)inner.Up.Children[2];
        var (error, where, _) = GradientCheck.Layer(block, x, beforeForward: () => dropout.Reseed(9));
        Assert.True(error <= GradientCheck.Tolerance, $"relative error {error:E2} at {where}");
    }

    private static void Rescale(Layer network, int seed)
    {
        var rng = new Random(seed);
        foreach (var p in network.AllParameters().Where(p => p.Name == "weight"))
            for (int i = 0; i < p.Value.Length; i++) p.Value[i] = (float)(rng.NextDouble() - 0.5);
    }

    [Fact]
    public void The_networks_rebuild_from_their_specs()
    {
        var unet = UNet.Build(32, ngf: 2, seed: 1);
        var rebuilt = LayerRegistry.Build(LayerSpec.FromJson(unet.Spec.ToJson()));
        Assert.Equal(unet.Spec.ToJson(), rebuilt.Spec.ToJson());
        foreach (var (a, b) in unet.AllParameters().Zip(rebuilt.AllParameters())) a.Value.Span.CopyTo(b.Value.Span);
        var x = GradientCheck.Random(new Random(2), 2, 1, 32, 32);
        Assert.Equal(unet.Forward(x, false).Span.ToArray(), rebuilt.Forward(x, false).Span.ToArray());
        var d = PatchGan.Build(ndf: 2);
        Assert.Equal(d.Spec.ToJson(), LayerRegistry.Build(d.Spec).Spec.ToJson());
    }
}
