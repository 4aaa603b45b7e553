using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary><see cref="Convolution.ColumnFreeTaps"/>: pix2pix's 512-tap layers (4×4 stride 2 over 32 channels) take the
/// implicit GEMM and the chunks for the products no direct kernel takes, with the bits of the whole-batch column route
/// they replaced (<see cref="Convolution.ColumnFreeTaps"/> = 640) and the definitions' values, on one and two threads.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class ColumnFreeTapsTests
{
    // 32 channels of 32×32 to 16×16, 4×4 stride 2 padding 1: 512 taps; 16 images make a 2.1 M-float column matrix (chunks).
    private static readonly Im2ColGeometry Window = new(32, 32, 32, 4, 4, 2, 2, 1, 1);
    private const int Batch = 16, OutChannels = 4;

    // Routes chosen beside the direct kernels: where they never run (NP_SIMD=scalar, no AVX2/FMA) there is no choice to check.
    [Avx2Fact]
    public void The_512_tap_layers_products_leave_the_whole_batch_columns()
    {
        var s = new ConvolutionGeometry(Batch, OutChannels, Window);
        Assert.True(ImplicitGemm.Suits(s, noDirectKernel: true) && !ImplicitGemm.Suits(s));
        Assert.True(Im2ColChunks.Suits(Window, Batch, noDirectKernel: true) && !Im2ColChunks.Suits(Window, Batch));
        // A stride-1 layer of as many taps keeps its direct ∂C/∂w kernel: the convolution asks with noDirectKernel false.
        Assert.True(DirectConv2dWeightGradient.Suits(Window with { StrideH = 1, StrideW = 1 }));
    }

    [Theory]
    [InlineData(false)] // Conv2d: a direct forward kernel, ∂C/∂w and ∂C/∂x on the column-free routes
    [InlineData(true)]  // ConvTranspose2d's convolution: every product on the GEMM routes
    public void The_new_routes_give_the_old_routes_bits_and_the_definitions(bool columnRoutesOnly)
    {
        var s = new ConvolutionGeometry(Batch, OutChannels, Window);
        var rng = new Random(columnRoutesOnly ? 2 : 1);
        var x = GradientCheck.Random(rng, Batch, Window.Channels, Window.Height, Window.Width).Data;
        var w = GradientCheck.Random(rng, OutChannels, Window.Channels, 4, 4).Data;
        var dy = GradientCheck.Random(rng, Batch, OutChannels, Window.OutHeight, Window.OutWidth).Data;
        var y = new float[s.OutputLength];
        DirectConv2dReference.Forward(x, Batch, Window, w, OutChannels, default, y);
        var dw = new float[w.Length];
        DirectConv2dReference.WeightGradient(x, dy, Batch, Window, OutChannels, dw);
        var dx = new float[x.Length];
        DirectConv2dReference.InputGradient(dy, Batch, Window, w, OutChannels, dx);

        var runs = new List<(float[] Y, float[] Dw, float[] Dx)>();
        int taps = Convolution.ColumnFreeTaps, threadsBefore = Gemm.Threads;
        try
        {
            foreach (int columnFree in new[] { taps, 640 })
                foreach (int threads in new[] { 1, 2 })
                {
                    Convolution.ColumnFreeTaps = columnFree;
                    Gemm.Threads = threads;
                    var convolution = new Convolution(columnRoutesOnly);
                    var fastY = Enumerable.Repeat(float.NaN, y.Length).ToArray();
                    convolution.Forward(s, x, w, default, fastY);
                    var fastDw = new float[w.Length];
                    convolution.WeightGradient(s, x, dy, fastDw);
                    var fastDx = Enumerable.Repeat(float.NaN, dx.Length).ToArray();
                    convolution.InputGradient(s, dy, w, fastDx);
                    runs.Add((fastY, fastDw, fastDx));
                }
        }
        finally { Convolution.ColumnFreeTaps = taps; Gemm.Threads = threadsBefore; }

        foreach (var (fastY, fastDw, fastDx) in runs)
        {
            Assert.Equal(runs[^1].Y, fastY);
            Assert.Equal(runs[^1].Dw, fastDw);
            Assert.Equal(runs[^1].Dx, fastDx);
        }
        var (ny, ndw, ndx) = runs[0];
        for (int i = 0; i < y.Length; i++) Close(y[i], ny[i], $"y[{i}]");
        for (int i = 0; i < dw.Length; i++) Close(dw[i], ndw[i], $"∂C/∂w[{i}]");
        for (int i = 0; i < dx.Length; i++) Close(dx[i], ndx[i], $"∂C/∂x[{i}]");
    }

    private static void Close(float expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4f * (1 + Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");
}
