using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary><see cref="PointwiseConv"/>, the route of strided 1×1 convolutions without padding (a ResNet's projection
/// shortcut), at each width this machine has (512 and 256 bits): its three products against the definition
/// (<see cref="DirectConv2dReference"/>) on ResNet-8's shortcuts and on odd shapes (strides 2×3, channel counts that
/// leave partial tiles of four or two, a last group of fewer than four images, rows of whole vectors, tails under eight),
/// the ∂C/∂w after a forward pass reading its copy with the same bits, the same bits at both widths, and on one and two
/// threads. Skipped (and shown so) where the machine has no AVX2: the route is then never taken.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class PointwiseConvTests
{
    [Avx2Theory]
    // channels, height, width, stride (rows), stride (columns), out channels, batch
    [InlineData(16, 28, 28, 2, 2, 32, 6)]   // ResNet-8's 16→32 shortcut: 196 pixels, 13 vectors a row
    [InlineData(32, 14, 14, 2, 2, 64, 5)]   // its 32→64: 49 pixels, a last vector of one
    [InlineData(5, 13, 11, 2, 3, 7, 3)]     // odd channel counts and strides: partial tiles of four rows and columns
    [InlineData(3, 16, 16, 2, 2, 6, 9)]     // 8×8 = 64 pixels: whole vectors, no padding; groups of 4, 4 and 1
    [InlineData(4, 9, 40, 3, 2, 2, 2)]      // 20 entries a row: a vector and a masked tail
    [InlineData(3, 6, 6, 2, 2, 1, 2)]       // 9 entries, one output channel: a tail of one past a half vector
    public void Its_products_are_the_definition(int channels, int height, int width, int strideH, int strideW, int outChannels, int batch)
    {
        foreach (var simdPath in VectorWidths.OnThisMachine)
        {
            using var simd = SimdWidth.Use(simdPath);
            ProductsAreTheDefinition(channels, height, width, strideH, strideW, outChannels, batch);
        }
    }

    /// <summary>Each output is one chain over the channels and each ∂C/∂w lane one chain over the pixels, at both widths
    /// reduced alike: the same bits.</summary>
    [WidthTheory(SimdPath.Vector512)]
    [InlineData(16, 28, 28, 2, 2, 32, 6)]
    [InlineData(5, 13, 11, 2, 3, 7, 3)]
    public void Both_widths_give_the_same_bits(int channels, int height, int width, int strideH, int strideW, int outChannels, int batch)
    {
        var s = new ConvolutionGeometry(batch, outChannels, new Im2ColGeometry(channels, height, width, 1, 1, strideH, strideW));
        var p = ConvolutionProblem.Random(s, new Random(channels * outChannels));
        var results = new List<float[]>();
        foreach (var simdPath in new[] { SimdPath.Vector256, SimdPath.Vector512 })
        {
            using var simd = SimdWidth.Use(simdPath);
            var conv = new PointwiseConv();
            var y = new float[p.Y.Length];
            conv.Forward(s, p.X, p.W, p.B, y);
            var dw = (float[])p.Start.Clone();
            conv.WeightGradient(s, p.X, p.Dy, dw, sameInput: true);
            var dx = new float[p.Dx.Length];
            conv.InputGradient(s, p.Dy, p.W, dx);
            results.Add([.. y, .. dw, .. dx]);
        }
        Assert.Equal(results[0], results[1]);
    }

    private static void ProductsAreTheDefinition(int channels, int height, int width, int strideH, int strideW, int outChannels, int batch)
    {
        var s = new ConvolutionGeometry(batch, outChannels, new Im2ColGeometry(channels, height, width, 1, 1, strideH, strideW));
        Assert.True(PointwiseConv.Suits(s));
        var p = ConvolutionProblem.Random(s, new Random(channels + height + outChannels));
        foreach (bool withBias in new[] { true, false })
        {
            var expected = new float[p.Y.Length];
            DirectConv2dReference.Forward(p.X, batch, s.Window, p.W, outChannels, withBias ? p.B : [], expected);
            var y = Enumerable.Repeat(float.NaN, p.Y.Length).ToArray();
            new PointwiseConv().Forward(s, p.X, p.W, withBias ? p.B : [], y);
            Close(expected, y, 1e-4f, $"y (bias {withBias})");
        }
        var conv = new PointwiseConv();
        conv.Forward(s, p.X, p.W, p.B, new float[p.Y.Length]);
        var afterForward = (float[])p.Start.Clone();
        conv.WeightGradient(s, p.X, p.Dy, afterForward, sameInput: true);
        var alone = (float[])p.Start.Clone();
        new PointwiseConv().WeightGradient(s, p.X, p.Dy, alone, sameInput: false);
        Assert.Equal(alone, afterForward);
        Close(p.Dw, alone, 1e-3f, "∂C/∂w");
        var dx = Enumerable.Repeat(float.NaN, p.Dx.Length).ToArray();
        new PointwiseConv().InputGradient(s, p.Dy, p.W, dx);
        Close(p.Dx, dx, 1e-4f, "∂C/∂x");
        // Adding onto another ∂C/∂x: the same sums, float for float, and the pixels no output reads left as they were
        // (a residual block's ∂C/∂x from its body, here values no sum can give back by accident).
        // Some of them −0, which a pixel no output reads must keep (bits compared: −0 equals +0 as a float).
        var body = GradientCheck.Random(new Random(5), p.Dx.Length).Data;
        for (int i = 0; i < body.Length; i += 5) body[i] = -0f;
        var sum = (float[])body.Clone();
        new PointwiseConv().InputGradient(s, p.Dy, p.W, sum, adding: true);
        int plane = height * width, read = 0;
        for (int i = 0; i < sum.Length; i++)
            if ((i % plane / width) % strideH == 0 && (i % width) % strideW == 0 && i % plane / width / strideH < s.Window.OutHeight && i % width / strideW < s.Window.OutWidth)
            {
                read++;
                Assert.Equal(BitConverter.SingleToInt32Bits(body[i] + dx[i]), BitConverter.SingleToInt32Bits(sum[i]));
            }
            else Assert.Equal(BitConverter.SingleToInt32Bits(body[i]), BitConverter.SingleToInt32Bits(sum[i]));
        Assert.Equal(batch * channels * s.Window.OutPixels, read);
    }

    /// <summary>Through <see cref="Conv2d"/> (so through <see cref="Convolution"/>'s choice of route): the output, ∂C/∂w,
    /// ∂C/∂b and ∂C/∂x of ResNet-8's 16→32 shortcut at batch 64 on one thread and on two are the same bits.</summary>
    [Avx2Fact]
    public void Resnets_shortcut_takes_it_with_the_same_bits_on_one_and_two_threads()
    {
        var rng = new Random(11);
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
                var layer = new Conv2d(16, 32, 1, stride: 2, padding: 0, rng: new Random(12));
                var y = layer.Forward(x, training: true).Span.ToArray();
                var dx = layer.Backward(dy).Span.ToArray();
                results.Add([.. y, .. dx, .. layer.Parameters.SelectMany(prm => prm.Gradient.Span.ToArray())]);
            }
        for (int i = 1; i < results.Count; i++) Assert.Equal(results[0], results[i]);
    }

    [Avx2Fact]
    public void It_takes_only_strided_one_by_one_kernels_without_padding()
    {
        ConvolutionGeometry Shape(int kernel, int stride, int padding, int channels = 16) =>
            new(8, 32, new Im2ColGeometry(channels, 28, 28, kernel, kernel, stride, stride, padding, padding));
        Assert.True(PointwiseConv.Suits(Shape(1, 2, 0)));
        Assert.False(PointwiseConv.Suits(Shape(1, 1, 0)));      // stride 1: a plain product, the GEMM's
        Assert.False(PointwiseConv.Suits(Shape(1, 2, 1)));      // padding
        Assert.False(PointwiseConv.Suits(Shape(3, 2, 1)));
        Assert.False(PointwiseConv.Suits(Shape(1, 2, 0, channels: 512)));  // an image of 512 × 208 floats: past L2
        using (SimdWidth.Use(SimdPath.Scalar))
            Assert.False(PointwiseConv.Suits(Shape(1, 2, 0)));
    }

    private static void Close(float[] expected, float[] actual, float tolerance, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }
}
