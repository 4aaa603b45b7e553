using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary><see cref="WeightGradientByTapRows"/>, the ∂C/∂w of layers with kernels three taps wide, at each width this
/// machine has (512 and 256 bits): against the definition (<see cref="DirectConv2dReference"/>) on ResNet-8's 3×3 layers
/// (16, 32 and 64 output channels: each tile shape; stride 1 and 2), added onto what ∂C/∂w held; after a channels-last
/// forward pass reading its copy with the same bits; the same bits on one and two threads, and at both widths. Skipped
/// (and shown so) where the machine has no AVX2.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class WeightGradientByTapRowsTests
{
    [Avx2Theory]
    // channels, size, out channels, stride, batch
    [InlineData(16, 28, 16, 1, 5)]    // ResNet-8's 16→16: 8 channels × 16 tiles
    [InlineData(32, 14, 32, 1, 9)]    // its 32→32: 4 channels × 32 tiles, nine images in eight slices
    [InlineData(64, 7, 64, 1, 3)]     // its 64→64: 2 channels × 64 tiles, 7-pixel rows
    [InlineData(16, 6, 192, 1, 2)]    // three blocks of 64 output channels
    [InlineData(16, 28, 32, 2, 3)]    // its 16→32 stride 2
    [InlineData(32, 14, 64, 2, 4)]    // its 32→64 stride 2: 14 → 7
    [InlineData(16, 9, 16, 3, 2)]     // stride 3 on an odd plane
    public void It_adds_the_definition(int channels, int size, int outChannels, int stride, int batch)
    {
        var s = new ConvolutionGeometry(batch, outChannels, new Im2ColGeometry(channels, size, size, 3, 3, stride, stride, 1, 1));
        var p = ConvolutionProblem.Random(s, new Random(channels + size + outChannels));
        foreach (var width in VectorWidths.OnThisMachine)
        {
            using var simd = SimdWidth.Use(width);
            Assert.True(WeightGradientByTapRows.Suits(s));
            var dw = (float[])p.Start.Clone();
            new WeightGradientByTapRows().Accumulate(s, p.X, p.Dy, dw, paddedInput: null);
            for (int i = 0; i < dw.Length; i++)
                Assert.True(Math.Abs(p.Dw[i] - dw[i]) <= 1e-3f * (1 + Math.Abs(p.Dw[i])), $"∂C/∂w[{i}] at {width}: expected {p.Dw[i]}, got {dw[i]}");
        }
    }

    /// <summary>Each sum is one chain over an image's pixels in order at both widths: the same bits.</summary>
    [WidthTheory(SimdPath.Vector512)]
    [InlineData(16, 28, 16, 1, 5)]
    [InlineData(32, 14, 64, 2, 4)]
    public void Both_widths_give_the_same_bits(int channels, int size, int outChannels, int stride, int batch)
    {
        var s = new ConvolutionGeometry(batch, outChannels, new Im2ColGeometry(channels, size, size, 3, 3, stride, stride, 1, 1));
        var p = ConvolutionProblem.Random(s, new Random(channels * outChannels));
        var results = new List<float[]>();
        foreach (var width in new[] { SimdPath.Vector256, SimdPath.Vector512 })
        {
            using var simd = SimdWidth.Use(width);
            var dw = (float[])p.Start.Clone();
            new WeightGradientByTapRows().Accumulate(s, p.X, p.Dy, dw, paddedInput: null);
            results.Add(dw);
        }
        Assert.Equal(results[0], results[1]);
    }

    /// <summary>Through <see cref="Convolution"/>: after a forward pass that left a channels-last copy (64→64, by
    /// <see cref="ChannelsLastForward"/>) and after one that left none (16→16, direct), the same bits as alone.</summary>
    [Avx2Theory]
    [InlineData(64, 7, 64)]
    [InlineData(16, 28, 16)]
    public void After_a_forward_pass_it_gives_the_same_bits_as_alone(int channels, int size, int outChannels)
    {
        var s = new ConvolutionGeometry(6, outChannels, new Im2ColGeometry(channels, size, size, 3, 3, 1, 1, 1, 1));
        var p = ConvolutionProblem.Random(s, new Random(channels * size));
        foreach (var width in VectorWidths.OnThisMachine)
        {
            using var simd = SimdWidth.Use(width);
            Assert.Equal(channels == 64, ChannelsLastForward.Suits(s));
            var conv = new Convolution();
            conv.Forward(s, p.X, p.W, p.B, new float[p.Y.Length]);
            var afterForward = (float[])p.Start.Clone();
            conv.WeightGradient(s, p.X, p.Dy, afterForward);
            var alone = (float[])p.Start.Clone();
            new WeightGradientByTapRows().Accumulate(s, p.X, p.Dy, alone, paddedInput: null);
            Assert.Equal(alone, afterForward);
        }
    }

    [Avx2Fact]
    public void Resnets_16_channel_layer_takes_it_with_the_same_bits_on_one_and_two_threads()
    {
        var rng = new Random(21);
        var x = GradientCheck.Random(rng, 64, 16, 28, 28);
        var dy = GradientCheck.Random(rng, 64, 16, 28, 28);
        foreach (var width in VectorWidths.OnThisMachine)
        {
            using var simd = SimdWidth.Use(width);
            var results = new List<float[]>();
            using (new KernelSettingsScope())
                foreach (int threads in new[] { 1, 2 })
                {
                    Gemm.Threads = threads;
                    KernelLoop.MaxThreads = threads;
                    var layer = new Conv2d(16, 16, 3, stride: 1, padding: 1, rng: new Random(22));
                    layer.Forward(x, training: true);
                    layer.Backward(dy);
                    results.Add([.. layer.Parameters.SelectMany(prm => prm.Gradient.Span.ToArray())]);
                }
            Assert.Equal(results[0], results[1]);
        }
    }

    /// <summary>An empty batch adds nothing, on this route and on the pointwise one (no partial sums to read).</summary>
    [WidthFact(SimdPath.Vector512)]
    public void An_empty_batch_leaves_the_gradient_as_it_was()
    {
        using var simd = SimdWidth.Use(SimdPath.Vector512);
        foreach (var s in new[]
                 {
                     new ConvolutionGeometry(0, 16, new Im2ColGeometry(16, 7, 7, 3, 3, 1, 1, 1, 1)),
                     new ConvolutionGeometry(0, 32, new Im2ColGeometry(16, 8, 8, 1, 1, 2, 2)),
                 })
        {
            var dw = Enumerable.Range(0, s.WeightLength).Select(i => (float)i).ToArray();
            var before = (float[])dw.Clone();
            var conv = new Convolution();
            conv.Forward(s, [], new float[s.WeightLength], [], []);
            conv.WeightGradient(s, [], [], dw);
            conv.InputGradient(s, [], new float[s.WeightLength], []);
            Assert.Equal(before, dw);
        }
    }

    [WidthFact(SimdPath.Vector512)]
    public void It_takes_only_three_tap_rows_of_whole_channel_blocks()
    {
        using var simd = SimdWidth.Use(SimdPath.Vector512);
        ConvolutionGeometry Shape(int channels = 16, int outChannels = 16, int kernelW = 3, int stride = 1, int dilation = 1) =>
            new(8, outChannels, new Im2ColGeometry(channels, 14, 14, 3, kernelW, stride, stride, 1, 1, dilation, dilation));
        Assert.True(WeightGradientByTapRows.Suits(Shape()));
        Assert.True(WeightGradientByTapRows.Suits(Shape(outChannels: 128)));
        Assert.True(WeightGradientByTapRows.Suits(Shape(stride: 2)));
        Assert.False(WeightGradientByTapRows.Suits(Shape(kernelW: 4)));
        Assert.False(WeightGradientByTapRows.Suits(Shape(dilation: 2)));
        Assert.False(WeightGradientByTapRows.Suits(Shape(channels: 24)));
        Assert.False(WeightGradientByTapRows.Suits(Shape(outChannels: 48)));
        Assert.False(WeightGradientByTapRows.Suits(Shape(channels: 256, outChannels: 256)));  // 589 824 weights a slice
        using (SimdWidth.Use(SimdPath.Scalar))
            Assert.False(WeightGradientByTapRows.Suits(Shape()));
    }

    [WidthFact(SimdPath.Vector256)]
    public void At_256_bits_it_takes_blocks_of_8_input_and_4_output_channels()
    {
        using var simd = SimdWidth.Use(SimdPath.Vector256);
        ConvolutionGeometry Shape(int channels = 16, int outChannels = 16, int kernelW = 3) =>
            new(8, outChannels, new Im2ColGeometry(channels, 14, 14, 3, kernelW, 1, 1, 1, 1));
        Assert.True(WeightGradientByTapRows.Suits(Shape()));
        Assert.True(WeightGradientByTapRows.Suits(Shape(channels: 24, outChannels: 12)));
        Assert.False(WeightGradientByTapRows.Suits(Shape(channels: 12)));
        Assert.False(WeightGradientByTapRows.Suits(Shape(outChannels: 6)));
        Assert.False(WeightGradientByTapRows.Suits(Shape(kernelW: 5)));
        Assert.False(WeightGradientByTapRows.Suits(Shape(channels: 256, outChannels: 256)));
    }
}
