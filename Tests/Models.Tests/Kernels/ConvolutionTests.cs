using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The convolution entry point's three products and ∂C/∂b against the plain definitions
/// (<see cref="DirectConv2dReference"/>) on MNIST pixels, for a geometry of each route it chooses: direct (LeNet's
/// conv2), whole-batch columns (a stride-2 layer on small planes), chunks (a DCGAN-like 4×4 stride-2 layer with 1024 taps),
/// cropped taps (the U-Net's innermost 2×2 → 1×1), and the column routes alone (as a transposed layer runs them).</summary>
public class ConvolutionTests
{
    public static TheoryData<string, int, int, int, int, int, int, int, int, bool> Routes => new()
    {
        { "direct", 8, 6, 14, 16, 5, 1, 0, 0, false },
        { "columns", 8, 8, 8, 8, 3, 2, 1, 0, false },
        { "chunks", 64, 64, 14, 4, 4, 2, 1, 0, false },
        { "cropped taps", 8, 16, 2, 8, 4, 2, 1, 0, false },
        { "column routes only", 8, 6, 14, 16, 5, 1, 0, 0, true },
    };

    private static float[] Pixels(int length, int offset, float shift)
    {
        var pixels = Training.MnistTrainingTests.Mnist.Value.Train.Pixels;
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = pixels[(i * 3 + offset) % pixels.Length] + shift;
        return x;
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public void Every_product_agrees_with_the_definition(string route, int batch, int channels, int size, int outChannels, int kernel,
        int stride, int padding, int unused, bool columnRoutesOnly)
    {
        _ = unused;
        var g = new Im2ColGeometry(channels, size, size, kernel, kernel, stride, stride, padding, padding);
        var s = new ConvolutionGeometry(batch, outChannels, g);
        Assert.Equal(route == "cropped taps", Convolution.IsCropped(s));
        var x = Pixels((int)s.InputLength, 0, 0f);
        var w = Pixels(s.WeightLength, 7, -0.5f);
        var b = Pixels(outChannels, 11, -0.5f);
        var dy = Pixels((int)s.OutputLength, 101, -0.4f);
        var conv = new Convolution(columnRoutesOnly);

        var y = new float[s.OutputLength]; var yRef = new float[s.OutputLength];
        conv.Forward(s, x, w, b, y);
        DirectConv2dReference.Forward(x, batch, g, w, outChannels, b, yRef);
        Close(yRef, y, "output");

        // ∂C/∂w accumulates: start both from the same non-zero gradient.
        var dw = Pixels(s.WeightLength, 3, 0f); var dwRef = (float[])dw.Clone(); var dwDefinition = new float[s.WeightLength];
        conv.WeightGradient(s, x, dy, dw);
        DirectConv2dReference.WeightGradient(x, dy, batch, g, outChannels, dwDefinition);
        for (int i = 0; i < dwRef.Length; i++) dwRef[i] += dwDefinition[i];
        Close(dwRef, dw, "∂C/∂w");

        var dx = new float[s.InputLength]; var dxRef = new float[s.InputLength];
        conv.InputGradient(s, dy, w, dx);
        DirectConv2dReference.InputGradient(dy, batch, g, w, outChannels, dxRef);
        Close(dxRef, dx, "∂C/∂x");
        // Added onto another ∂C/∂x (a residual block's): that tensor plus the same ∂C/∂x, float for float.
        var other = Pixels((int)s.InputLength, 13, 0.25f);
        var sum = (float[])other.Clone();
        conv.AddInputGradient(s, dy, w, sum);
        for (int i = 0; i < sum.Length; i++) Assert.Equal(other[i] + dx[i], sum[i]);

        var db = new float[outChannels]; var sums = new double[outChannels];
        conv.BiasGradient(dy, batch, outChannels, s.OutPixels, db, Convolution.IsCropped(s));
        for (int i = 0; i < batch; i++)
            for (int o = 0; o < outChannels; o++)
                for (int p = 0; p < s.OutPixels; p++) sums[o] += dy[(i * outChannels + o) * s.OutPixels + p];
        Close(sums.Select(v => (float)v).ToArray(), db, "∂C/∂b");
    }

    /// <summary>A kernel too large to stay in L2 (128→256 3×3, 294,912 floats) takes its forward product and ∂C/∂x through
    /// the whole batch's columns instead of by chunks (<see cref="Im2ColChunks.WholeBatchForLargeKernels"/>): the same
    /// bits either way, ∂C/∂w after the forward pass included.</summary>
    [Fact]
    public void A_large_kernels_products_through_the_whole_batch_give_the_chunks_bits()
    {
        var g = new Im2ColGeometry(128, 8, 8, 3, 3, 1, 1, 1, 1);
        var s = new ConvolutionGeometry(32, 256, g);
        Assert.True(Im2ColChunks.Suits(g, s.Batch, noDirectKernel: true) && Im2ColChunks.KernelTooLarge(g, s.OutChannels));
        var x = Pixels((int)s.InputLength, 0, -0.5f); var w = Pixels(s.WeightLength, 7, -0.5f); var b = Pixels(256, 11, -0.5f);
        var dy = Pixels((int)s.OutputLength, 5, -0.4f);
        var results = new List<float[][]>();
        try
        {
            foreach (bool whole in new[] { true, false })
            {
                Im2ColChunks.WholeBatchForLargeKernels = whole;
                var conv = new Convolution();
                var y = new float[s.OutputLength]; var dw = new float[s.WeightLength]; var dx = new float[s.InputLength];
                conv.Forward(s, x, w, b, y);
                conv.WeightGradient(s, x, dy, dw);
                conv.InputGradient(s, dy, w, dx);
                results.Add([y, dw, dx]);
            }
        }
        finally { Im2ColChunks.WholeBatchForLargeKernels = true; }
        foreach (int i in new[] { 0, 1, 2 })
            Assert.True(results[0][i].AsSpan().SequenceEqual(results[1][i]), $"{new[] { "y", "∂C/∂w", "∂C/∂x" }[i]} differs between the routes");
    }

    [Fact]
    public void The_weight_gradient_after_a_forward_pass_reuses_its_columns_and_gets_the_same_bits_as_a_fresh_one()
    {
        var g = new Im2ColGeometry(8, 8, 8, 3, 3, 2, 2, 1, 1);
        var s = new ConvolutionGeometry(8, 8, g);
        var x = Pixels((int)s.InputLength, 0, 0f); var w = Pixels(s.WeightLength, 7, -0.5f); var dy = Pixels((int)s.OutputLength, 5, -0.4f);
        var afterForward = new Convolution();
        afterForward.Forward(s, x, w, default, new float[s.OutputLength]);
        var dwReused = new float[s.WeightLength];
        afterForward.WeightGradient(s, x, dy, dwReused);
        var dwFresh = new float[s.WeightLength];
        new Convolution().WeightGradient(s, x, dy, dwFresh);
        Assert.Equal(dwFresh, dwReused);
    }

    [Fact]
    public void A_short_buffer_is_refused_naming_the_geometry()
    {
        var s = new ConvolutionGeometry(2, 4, new Im2ColGeometry(3, 8, 8, 3, 3));
        var e = Assert.Throws<ArgumentException>(() => new Convolution().Forward(s, new float[10], new float[108], default, new float[288]));
        Assert.Contains("2×[3×8×8] → 4×[6×6]", e.Message);
    }

    private static void Close(float[] expected, float[] actual, string what)
    {
        double scale = expected.Max(v => Math.Abs(v)) + 1e-6;
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-5 * scale + 1e-5, $"{what}[{i}]: definition {expected[i]}, kernel {actual[i]}");
    }
}
