using NeuralPipelines.Models.Kernels;
using static NeuralPipelines.Models.Tests.Generative.BatchNormActivationFusionTests;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>Training with the forward products of small output planes on the column routes
/// (<see cref="ImplicitGemm.ForwardMinPixels"/> 64, the default) ends on the same bits as with them on the implicit GEMM
/// (0, the route before): DCGAN steps at batch 16 (whole-batch columns) and 64 (chunks of images), and the 2-epoch
/// colorizer of <see cref="BatchNormActivationFusionTests"/> (PatchGAN's 7×7 layer), every weight, running statistic,
/// loss and inference output.</summary>
/// <remarks>Only this class moves the threshold; other tests running meanwhile get the same bits either way.</remarks>
public class SmallPlaneForwardTrainingTests
{
    private static T OnTheImplicitGemm<T>(Func<T> run)
    {
        int before = ImplicitGemm.ForwardMinPixels;
        ImplicitGemm.ForwardMinPixels = 0;
        try { return run(); }
        finally { ImplicitGemm.ForwardMinPixels = before; }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    public void Dcgan_steps_on_mnist_end_on_the_same_bits_with_small_planes_on_either_route(int batch)
    {
        var implicitRoute = OnTheImplicitGemm(() => TrainDcgan(batch));
        var columns = TrainDcgan(batch);
        Assert.Equal(implicitRoute.Losses, columns.Losses);
        SameBits(implicitRoute.G, columns.G, "generator");
        SameBits(implicitRoute.D, columns.D, "discriminator");
        Assert.True(implicitRoute.Samples.AsSpan().SequenceEqual(columns.Samples), "generator samples in inference differ");
    }

    [Fact]
    public void Colorizer_training_on_photos_ends_on_the_same_bits_with_small_planes_on_either_route()
    {
        var implicitRoute = OnTheImplicitGemm(TrainColorizer);
        var columns = TrainColorizer();
        Assert.Equal(implicitRoute.L1, columns.L1);
        Assert.Equal(implicitRoute.DLoss, columns.DLoss);
        SameBits(implicitRoute.G, columns.G, "U-Net");
        SameBits(implicitRoute.D, columns.D, "PatchGAN");
        Assert.True(implicitRoute.Colorized.AsSpan().SequenceEqual(columns.Colorized), "colorized photos differ");
    }
}
