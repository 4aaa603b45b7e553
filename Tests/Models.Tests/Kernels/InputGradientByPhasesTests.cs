using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary><see cref="InputGradientByPhases"/>, the ∂C/∂x of 3×3 and 4×4 layers at stride 2 with padding 1, at each width this
/// machine has (512 and 256 bits): against the definition (<see cref="DirectConv2dReference"/>) on ResNet-8's two
/// downsampling layers (16 and 32 input channels: both tiles, groups of seven pixels; at 256 bits groups of five and four,
/// four and three), on the DCGAN discriminator's 64→128 4×4 layer (64 channels as two halves of 32)
/// and on odd planes (groups of twelve, rows whose last pixel has a tap past δ's edge), every pixel
/// written; the same bits at both widths, and on one and two threads through <see cref="Conv2d"/>. Skipped (and shown so)
/// where the machine has no AVX2: the route is then never taken.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class InputGradientByPhasesTests
{
    [Avx2Theory]
    // channels, height, width, out channels, batch, kernel
    [InlineData(16, 28, 28, 32, 3, 3)]   // ResNet-8's 16→32
    [InlineData(32, 14, 14, 64, 2, 3)]   // its 32→64
    [InlineData(16, 13, 17, 8, 2, 3)]    // 7 and 8 pixels a parity: a group of seven, one of twelve computing eight (256: 4 + 3, 4 + 4)
    [InlineData(32, 30, 29, 5, 1, 3)]    // 15 and 14 a parity: twelve and three, seven and seven (256: 5 + 5 + 5, 5 + 5 + 4)
    [InlineData(16, 5, 23, 3, 2, 3)]     // 12 and 11 a parity: at 256 bits whole groups of six, then six and five
    [InlineData(32, 4, 3, 7, 2, 3)]      // 2 and 1 a parity: groups shorter than a tile
    [InlineData(16, 1, 1, 4, 3, 3)]      // a single pixel: only the centre tap reads δ
    [InlineData(64, 14, 14, 128, 2, 4)]  // the DCGAN discriminator's 64→128 (4×4): four taps a pixel, 64 channels as two halves
    [InlineData(64, 13, 15, 9, 2, 4)]    // odd planes: the last row's and column's taps past δ's edge
    [InlineData(32, 16, 16, 64, 1, 4)]   // 8 a parity: a group of twelve computing eight
    [InlineData(16, 2, 2, 3, 2, 4)]      // a 2×2 plane onto one output pixel
    public void It_is_the_definition(int channels, int height, int width, int outChannels, int batch, int kernel)
    {
        var s = new ConvolutionGeometry(batch, outChannels, new Im2ColGeometry(channels, height, width, kernel, kernel, 2, 2, 1, 1));
        var p = ConvolutionProblem.Random(s, new Random(channels + height + width + outChannels));
        foreach (var simdPath in VectorWidths.OnThisMachine)
        {
            using var simd = SimdWidth.Use(simdPath);
            Assert.True(InputGradientByPhases.Suits(s));
            var dx = Enumerable.Repeat(float.NaN, p.Dx.Length).ToArray();
            new InputGradientByPhases().InputGradient(s, p.Dy, p.W, dx);
            for (int i = 0; i < dx.Length; i++)
                Assert.True(Math.Abs(p.Dx[i] - dx[i]) <= 1e-4f * (1 + Math.Abs(p.Dx[i])), $"∂C/∂x[{i}] at {simdPath}: expected {p.Dx[i]}, got {dx[i]}");
        }
    }

    /// <summary>Each entry is one chain over the output channels and taps in order at both widths: the same bits.</summary>
    [WidthTheory(SimdPath.Vector512)]
    [InlineData(16, 28, 28, 32, 3, 3)]
    [InlineData(32, 14, 14, 64, 2, 3)]
    [InlineData(32, 30, 29, 5, 1, 3)]
    [InlineData(64, 14, 14, 128, 2, 4)]
    [InlineData(64, 13, 15, 9, 2, 4)]
    public void Both_widths_give_the_same_bits(int channels, int height, int width, int outChannels, int batch, int kernel)
    {
        var s = new ConvolutionGeometry(batch, outChannels, new Im2ColGeometry(channels, height, width, kernel, kernel, 2, 2, 1, 1));
        var p = ConvolutionProblem.Random(s, new Random(channels * outChannels));
        var results = new List<float[]>();
        foreach (var simdPath in new[] { SimdPath.Vector256, SimdPath.Vector512 })
        {
            using var simd = SimdWidth.Use(simdPath);
            var dx = new float[p.Dx.Length];
            new InputGradientByPhases().InputGradient(s, p.Dy, p.W, dx);
            results.Add(dx);
        }
        Assert.Equal(results[0], results[1]);
    }

    [Avx2Fact]
    public void Resnets_downsampling_layer_takes_it_with_the_same_bits_on_one_and_two_threads()
    {
        var rng = new Random(31);
        var x = GradientCheck.Random(rng, 64, 16, 28, 28);
        var dy = GradientCheck.Random(rng, 64, 32, 14, 14);
        var results = new List<float[]>();
        using (new KernelSettingsScope())
            foreach (var simdPath in VectorWidths.OnThisMachine)
            foreach (int threads in new[] { 1, 2 })
            {
                using var simd = SimdWidth.Use(simdPath);
                Gemm.Threads = threads;
                KernelLoop.MaxThreads = threads;
                var layer = new Conv2d(16, 32, 3, stride: 2, padding: 1, rng: new Random(32));
                layer.Forward(x, training: true);
                results.Add(layer.Backward(dy).Span.ToArray());
            }
        for (int i = 1; i < results.Count; i++) Assert.Equal(results[0], results[i]);
    }

    [Avx2Fact]
    public void It_takes_only_stride_2_three_or_four_tap_layers_of_16_32_or_64_channels()
    {
        ConvolutionGeometry Shape(int channels = 16, int kernel = 3, int stride = 2, int padding = 1) =>
            new(8, 32, new Im2ColGeometry(channels, 28, 28, kernel, kernel, stride, stride, padding, padding));
        Assert.True(InputGradientByPhases.Suits(Shape()));
        Assert.True(InputGradientByPhases.Suits(Shape(channels: 32)));
        Assert.True(InputGradientByPhases.Suits(Shape(channels: 64)));
        Assert.True(InputGradientByPhases.Suits(Shape(kernel: 4)));
        Assert.True(InputGradientByPhases.Suits(Shape(channels: 64, kernel: 4)));
        Assert.False(InputGradientByPhases.Suits(Shape(channels: 48)));
        Assert.False(InputGradientByPhases.Suits(Shape(channels: 128)));
        Assert.False(InputGradientByPhases.Suits(Shape(stride: 1)));
        Assert.False(InputGradientByPhases.Suits(Shape(padding: 0)));
        Assert.False(InputGradientByPhases.Suits(Shape(kernel: 5)));
        using (SimdWidth.Use(SimdPath.Scalar))
            Assert.False(InputGradientByPhases.Suits(Shape()));
    }
}
