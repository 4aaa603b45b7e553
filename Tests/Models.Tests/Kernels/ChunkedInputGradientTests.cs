using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary><see cref="Im2ColChunks.AnyTaps"/>: ResNet-8's layers that no direct ∂C/∂x kernel takes (3×3 on 7×7 planes,
/// the stride-2 3×3 layers) take ∂C/∂x a few images at a time whatever their taps, with the bits of the whole-batch column
/// route they left and the definitions' values, on one and two threads.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class ChunkedInputGradientTests
{
    [Theory]
    // C, H = W, kernel, stride, pad, out channels, batch: each a whole-batch column matrix of at least two chunks.
    [InlineData(64, 7, 3, 1, 1, 64, 32)]   // ResNet-8's 64→64 layer on 7×7 (576 taps)
    [InlineData(32, 14, 3, 2, 1, 8, 64)]   // its 32→64 stride-2 layer (288 taps)
    [InlineData(16, 28, 3, 2, 1, 8, 32)]   // its 16→32 stride-2 layer (144 taps)
    public void Chunks_at_any_taps_give_the_whole_batch_bits_and_the_definitions(int c, int hw, int k, int stride, int pad, int outChannels, int batch)
    {
        var g = new Im2ColGeometry(c, hw, hw, k, k, stride, stride, pad, pad);
        var s = new ConvolutionGeometry(batch, outChannels, g);
        Assert.False(DirectConv2d.SuitsInputGradient(g, outChannels));
        bool before = Im2ColChunks.AnyTaps;
        var rng = new Random(c * hw + stride);
        var w = GradientCheck.Random(rng, outChannels, c, k, k).Data;
        var dy = GradientCheck.Random(rng, batch, outChannels, g.OutHeight, g.OutWidth).Data;
        var expected = new float[batch * g.ImageLength];
        DirectConv2dReference.InputGradient(dy, batch, g, w, outChannels, expected);

        var runs = new List<float[]>();
        using var settings = new KernelSettingsScope();
        try
        {
            foreach (bool anyTaps in new[] { true, false })
            {
                Im2ColChunks.AnyTaps = anyTaps;
                Assert.Equal(anyTaps, Im2ColChunks.SuitsInputGradient(g, batch));
                foreach (int threads in new[] { 1, 2 })
                {
                    Gemm.Threads = threads;
                    KernelLoop.MaxThreads = threads;
                    var dx = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
                    new Convolution().InputGradient(s, dy, w, dx);
                    runs.Add(dx);
                }
            }
        }
        finally { Im2ColChunks.AnyTaps = before; }

        foreach (var dx in runs) Assert.Equal(runs[^1], dx);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - runs[0][i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"∂C/∂x[{i}]: expected {expected[i]}, got {runs[0][i]}");
    }

    [Fact]
    public void Chunks_too_narrow_for_the_gemm_keep_the_whole_batch()
    {
        // pix2pix's transposed layer from 2×2 at inference's batch 64 (the convolution 256 → 512 channels, 4×4 stride 2 on
        // 4×4): 4,096 taps and 4 positions an image, so chunks of 22 images would be products of 88 columns.
        var g = new Im2ColGeometry(256, 4, 4, 4, 4, 2, 2, 1, 1);
        Assert.Equal(22, Im2ColChunks.ImagesPerChunk(g, 64));
        Assert.False(Im2ColChunks.SuitsInputGradient(g, 64));
        // ResNet-8's 7×7 layer, 13 images a chunk: 637 columns.
        Assert.True(Im2ColChunks.SuitsInputGradient(new Im2ColGeometry(64, 7, 7, 3, 3, 1, 1, 1, 1), 64));
    }
}
