using NeuralPipelines.Models.Kernels;
using static NeuralPipelines.Models.Tests.Generative.BatchNormActivationFusionTests;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>Training with the chunks' weights packed once per call (<see cref="Im2ColChunks.PacksWeightsOnce"/>) ends on
/// the same bits as packing them in every chunk's product: 3 DCGAN steps at batch 64 (D's 64→128 layer and G's 128→64
/// transposed layer on the chunks; at batch 16 the chunks do not take them), every weight, running statistic, loss and
/// inference sample.</summary>
/// <remarks>Only this class moves the switch; other tests running meanwhile get the same bits either way.</remarks>
public class WeightPackingTrainingTests
{
    [Fact]
    public void Dcgan_steps_on_mnist_end_on_the_same_bits_with_the_weights_packed_once_or_per_chunk()
    {
        GanRun perChunk;
        Im2ColChunks.PacksWeightsOnce = false;
        try { perChunk = TrainDcgan(64); }
        finally { Im2ColChunks.PacksWeightsOnce = true; }
        var once = TrainDcgan(64);
        Assert.Equal(perChunk.Losses, once.Losses);
        SameBits(perChunk.G, once.G, "generator");
        SameBits(perChunk.D, once.D, "discriminator");
        Assert.True(perChunk.Samples.AsSpan().SequenceEqual(once.Samples), "generator samples in inference differ");
    }
}
