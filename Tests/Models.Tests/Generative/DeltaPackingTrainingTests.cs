using NeuralPipelines.Models.Kernels;
using static NeuralPipelines.Models.Tests.Generative.BatchNormActivationFusionTests;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>Training with ∂C/∂w's δ packed straight from NCHW (<see cref="Convolution.PacksDeltaFromImages"/>) ends on
/// the same bits as training through the [O × N·P] copy of δ (the route it replaced): 3 DCGAN steps on shipped MNIST
/// digits and a 2-epoch colorizer on shipped photographs (the runs of <see cref="BatchNormActivationFusionTests"/>),
/// every weight, running statistic, loss and inference output.</summary>
/// <remarks>The documented long-tier figures (docs/EXPERIMENTS.md) depend on the exact trajectory. Only this class
/// switches the packing; other tests running meanwhile get the same bits either way.</remarks>
public class DeltaPackingTrainingTests
{
    private static T ThroughTheCopy<T>(Func<T> run)
    {
        Convolution.PacksDeltaFromImages = false;
        try { return run(); }
        finally { Convolution.PacksDeltaFromImages = true; }
    }

    [Fact]
    public void Dcgan_steps_on_mnist_end_on_the_same_bits_with_and_without_the_copy_of_delta()
    {
        var copied = ThroughTheCopy(TrainDcgan);
        var packed = TrainDcgan();
        Assert.Equal(copied.Losses, packed.Losses);
        SameBits(copied.G, packed.G, "generator");
        SameBits(copied.D, packed.D, "discriminator");
        Assert.True(copied.Samples.AsSpan().SequenceEqual(packed.Samples), "generator samples in inference differ");
    }

    [Fact]
    public void Colorizer_training_on_photos_ends_on_the_same_bits_with_and_without_the_copy_of_delta()
    {
        var copied = ThroughTheCopy(TrainColorizer);
        var packed = TrainColorizer();
        Assert.Equal(copied.L1, packed.L1);
        Assert.Equal(copied.DLoss, packed.DLoss);
        SameBits(copied.G, packed.G, "U-Net");
        SameBits(copied.D, packed.D, "PatchGAN");
        Assert.True(copied.Colorized.AsSpan().SequenceEqual(packed.Colorized), "colorized photos differ");
    }
}
