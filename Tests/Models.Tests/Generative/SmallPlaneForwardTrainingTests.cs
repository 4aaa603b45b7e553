using NeuralPipelines.Models.Kernels;
using static NeuralPipelines.Models.Tests.Generative.BatchNormActivationFusionTests;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>Training with the forward products of small output planes on the chunks of images
/// (<see cref="ImplicitGemm.ForwardMinPixels"/>, the default) ends on the same bits as with them on the implicit GEMM
/// (0, the route before): 3 DCGAN steps at batch 64 on shipped MNIST digits, every weight, running statistic, loss and
/// inference output. Batch 64, not the other training tests' 16: at 16 the chunks do not take D's 64→128 layer, so no
/// route moves (nor in their ngf-4 colorizer, which has no layer above 384 taps).</summary>
/// <remarks>Other tests running meanwhile get the same bits either way; but <see cref="Kernels.ImplicitGemmTests"/> asserts
/// which route the threshold picks, so this class runs in its collection, never beside it.</remarks>
[Collection(nameof(Kernels.GemmThreadsCollection))]
public class SmallPlaneForwardTrainingTests
{
    private static T OnTheImplicitGemm<T>(Func<T> run)
    {
        int before = ImplicitGemm.ForwardMinPixels;
        ImplicitGemm.ForwardMinPixels = 0;
        try { return run(); }
        finally { ImplicitGemm.ForwardMinPixels = before; }
    }

    [Fact]
    public void Dcgan_steps_on_mnist_end_on_the_same_bits_with_small_planes_on_either_route()
    {
        const int batch = 64;
        var implicitRoute = OnTheImplicitGemm(() => TrainDcgan(batch));
        var columns = TrainDcgan(batch);
        Assert.Equal(implicitRoute.Losses, columns.Losses);
        SameBits(implicitRoute.G, columns.G, "generator");
        SameBits(implicitRoute.D, columns.D, "discriminator");
        Assert.True(implicitRoute.Samples.AsSpan().SequenceEqual(columns.Samples), "generator samples in inference differ");
    }
}
