using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;
using NeuralPipelines.Models.Tests.Kernels;

namespace NeuralPipelines.Models.Tests.Conv;

// In the collection that runs alone: it sets KernelLoop.MaxThreads, and a class running beside it (an allocation count,
// the defaults KernelLoopTests checks) must not see another thread count mid-test.
[Collection(nameof(GemmThreadsCollection))]
public class Im2ColChunksTests
{
    public static TheoryData<int[]> Shapes => new()
    {
        // C, H, W, kH, kW, stride, pad, out channels, batch
        { [64, 14, 14, 4, 4, 2, 1, 128, 5] },  // DCGAN's 64→128 layer (1024 taps), five images
        { [64, 14, 14, 4, 4, 2, 1, 128, 1] },  // … one image
        { [3, 13, 11, 4, 4, 2, 1, 5, 5] },     // odd sizes, channels not a multiple of the vector width
        { [7, 15, 15, 4, 4, 2, 1, 13, 3] },    // 4×4 stride 2 on an odd image
        { [5, 9, 10, 5, 5, 1, 2, 6, 4] },      // stride 1, 5×5, padding 2
        { [6, 11, 12, 3, 3, 2, 0, 9, 5] },     // 3×3 stride 2 without padding
    };

    private static Im2ColGeometry Geometry(int[] a) => new(a[0], a[1], a[2], a[3], a[4], a[5], a[5], a[6], a[6]);

    private static void Close(float expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4f * (1 + Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    [Theory, MemberData(nameof(Shapes))]
    public void Chunks_match_the_definitions_for_every_chunk_size_and_thread_count(int[] a)
    {
        var g = Geometry(a);
        int outChannels = a[7], batch = a[8];
        var p = Kernels.ConvolutionProblem.Random(new ConvolutionGeometry(batch, outChannels, g), new Random(21));
        var (x, w, b, dy, start, y, dw, dx) = (p.X, p.W, p.B, p.Dy, p.Start, p.Y, p.Dw, p.Dx);

        float[]? firstY = null, firstDx = null;
        using var settings = new KernelSettingsScope();
        foreach (int per in new[] { 0, 1, 2, 3, batch + 1 })
        {
            float[]? dwBits = null;
            foreach (int t in new[] { 1, 2 })
            {
                KernelLoop.MaxThreads = t;
                var fastY = Enumerable.Repeat(float.NaN, y.Length).ToArray(); // every output must be written
                Im2ColChunks.Forward(x, batch, g, w, outChannels, b, fastY, per);
                var fastDw = (float[])start.Clone();
                var workspace = Enumerable.Repeat(float.NaN, Im2ColChunks.WorkspaceLength(g, outChannels, batch, per)).ToArray();
                Im2ColChunks.AccumulateWeightGradient(x, dy, batch, g, outChannels, fastDw, workspace, per);
                var fastDx = Enumerable.Repeat(float.NaN, dx.Length).ToArray();
                Im2ColChunks.InputGradient(dy, batch, g, w, outChannels, fastDx, per);

                for (int i = 0; i < y.Length; i++) Close(y[i], fastY[i], $"y[{i}], chunks of {per}");
                for (int i = 0; i < dw.Length; i++) Close(dw[i], fastDw[i], $"∂C/∂w[{i}], chunks of {per}");
                for (int i = 0; i < dx.Length; i++) Close(dx[i], fastDx[i], $"∂C/∂x[{i}], chunks of {per}");
                // The output and ∂C/∂x do not depend on the chunking at all; ∂C/∂w does (partials per chunk), but not on
                // the thread count.
                firstY ??= fastY; firstDx ??= fastDx; dwBits ??= fastDw;
                Assert.Equal(firstY, fastY);
                Assert.Equal(firstDx, fastDx);
                Assert.Equal(dwBits, fastDw);
            }
        }
    }

    [Theory]
    [InlineData(64, 14, 14, 4, 4, 2, 2, 1, 1, 1, 3)]   // DCGAN's 64-channel layer
    [InlineData(3, 13, 11, 4, 4, 2, 2, 1, 1, 1, 2)]    // odd sizes
    [InlineData(2, 28, 28, 4, 4, 2, 2, 1, 1, 1, 1)]    // 14-wide output rows: a vector and a masked one
    [InlineData(4, 17, 15, 3, 2, 3, 2, 1, 0, 1, 2)]    // stride 3 × 2, a 3×2 kernel
    [InlineData(2, 20, 21, 3, 3, 2, 1, 1, 2, 2, 2)]    // dilation 2, stride 1 in width
    [InlineData(3, 11, 12, 3, 3, 2, 2, 0, 0, 1, 2)]    // no padding: the image's last row and column are never read
    [InlineData(1, 40, 150, 3, 3, 2, 2, 1, 1, 1, 1)]   // 75-wide rows: past the phase fold's limit, the tables instead
    [InlineData(6, 8, 8, 4, 4, 1, 1, 1, 1, 1, 3)]      // stride 1: PatchGAN's 8×8 → 7×7 layer, rows of 7 (one masked vector)
    [InlineData(2, 13, 21, 3, 5, 1, 1, 2, 0, 1, 2)]    // stride 1, uneven kernel and padding, 17-wide rows
    [InlineData(3, 12, 12, 3, 3, 1, 1, 2, 2, 2, 2)]    // stride 1, dilation 2
    public unsafe void The_phase_planes_fold_and_unfold_with_the_definitions_bits(int c, int h, int w, int kh, int kw, int sh, int sw, int p, int pw, int d, int batch)
    {
        var g = new Im2ColGeometry(c, h, w, kh, kw, sh, sw, p, pw, d, d);
        var rng = new Random(c * h + w);
        var columns = GradientCheck.Random(rng, g.Rows, batch * g.OutPixels).Data;
        var fast = Enumerable.Repeat(float.NaN, batch * g.ImageLength).ToArray(); // every pixel must be written
        var slow = new float[fast.Length];
        fixed (float* pc = columns) fixed (float* pf = fast) Im2Col.FoldSerial(pc, batch, g, pf);
        Im2ColReference.Fold(columns, batch, g, slow);
        bool strided = sh > 1 || sw > 1, avx2 = System.Runtime.Intrinsics.X86.Avx2.IsSupported;
        Assert.Equal(strided && g.OutWidth <= 64 && avx2, PhaseFold.Suits(g));
        Assert.Equal(g.OutWidth <= 64 && avx2, PhaseFold.SuitsFold(g));
        Assert.Equal(slow, fast);
        // And the other way: im2col through the same planes.
        var images = GradientCheck.Random(rng, batch, c, h, w).Data;
        var unfolded = Enumerable.Repeat(float.NaN, columns.Length).ToArray(); // every entry, padding included
        var expected = new float[columns.Length];
        fixed (float* pi = images) fixed (float* pu = unfolded) Im2Col.UnfoldSerial(pi, batch, g, pu);
        Im2ColReference.Unfold(images, batch, g, expected);
        Assert.Equal(expected, unfolded);
    }

    [Fact]
    public void The_chunking_depends_on_the_geometry_and_batch_only()
    {
        var g = new Im2ColGeometry(64, 14, 14, 4, 4, 2, 2, 1, 1);
        Assert.True(Im2ColChunks.Suits(g, 64));
        Assert.Equal(8, Im2ColChunks.ImagesPerChunk(g, 64));    // eight chunks of 1.6 MB of columns
        Assert.False(Im2ColChunks.Suits(g, 8));                  // a small batch: the whole-batch route
        Assert.False(Im2ColChunks.Suits(new Im2ColGeometry(16, 28, 28, 3, 3, 1, 1, 1, 1), 64)); // the direct kernels' ground
    }

    [Fact]
    public void Conv2d_on_the_chunked_route_gives_the_definitions()
    {
        // 48→5 4×4 stride 2 on 16×16 at batch 43: 768 taps and 2.1M column floats, so Conv2d takes the chunked route.
        var rng = new Random(31);
        var conv = new Conv2d(48, 5, 4, stride: 2, padding: 1, rng: rng);
        for (int o = 0; o < 5; o++) conv.Bias!.Value[o] = 0.1f * o - 0.2f;
        var g = new Im2ColGeometry(48, 16, 16, 4, 4, 2, 2, 1, 1);
        const int batch = 43;
        Assert.True(Im2ColChunks.Suits(g, batch));
        var x = GradientCheck.Random(rng, batch, 48, 16, 16);
        var y = conv.Forward(x, training: true);
        var expected = new float[y.Length];
        DirectConv2dReference.Forward(x.Span, batch, g, conv.Weight.Value.Span, 5, conv.Bias!.Value.Span, expected);
        for (int i = 0; i < expected.Length; i++) Close(expected[i], y[i], $"y[{i}]");
        var dy = GradientCheck.Random(rng, batch, 5, 8, 8);
        var dx = conv.Backward(dy).Span.ToArray();
        var dw = new float[conv.Weight.Value.Length];
        DirectConv2dReference.WeightGradient(x.Span, dy.Span, batch, g, 5, dw);
        var dxRef = new float[x.Length];
        DirectConv2dReference.InputGradient(dy.Span, batch, g, conv.Weight.Value.Span, 5, dxRef);
        for (int i = 0; i < dw.Length; i++) Close(dw[i], conv.Weight.Gradient[i], $"∂C/∂w[{i}]");
        for (int i = 0; i < dx.Length; i++) Close(dxRef[i], dx[i], $"∂C/∂x[{i}]");
        for (int o = 0; o < 5; o++)
        {
            double sum = 0;
            for (int n = 0; n < batch; n++) for (int q = 0; q < 64; q++) sum += dy[(n * 5 + o) * 64 + q];
            Close((float)sum, conv.Bias.Gradient[o], $"∂C/∂b[{o}]");
        }
    }

    [Fact]
    public void ConvTranspose2d_on_the_chunked_route_gives_the_definitions()
    {
        // 5→48 4×4 stride 2, 8×8 → 16×16 at batch 43: the transpose of the convolution above, chunked too.
        var rng = new Random(32);
        var up = new ConvTranspose2d(5, 48, 4, stride: 2, padding: 1, rng: rng);
        for (int o = 0; o < 48; o++) up.Bias!.Value[o] = 0.01f * o - 0.2f;
        var g = new Im2ColGeometry(48, 16, 16, 4, 4, 2, 2, 1, 1);
        const int batch = 43;
        Assert.True(Im2ColChunks.Suits(g, batch));
        var x = GradientCheck.Random(rng, batch, 5, 8, 8);
        var y = up.Forward(x, training: true);
        // A transposed convolution is the input gradient of the convolution that reads its output back down to x.
        var expected = new float[batch * g.ImageLength];
        DirectConv2dReference.InputGradient(x.Span, batch, g, up.Weight.Value.Span, 5, expected);
        for (int i = 0; i < expected.Length; i++) Close(expected[i] + up.Bias!.Value[i / 256 % 48], y[i], $"y[{i}]");
        var dy = GradientCheck.Random(rng, batch, 48, 16, 16);
        var dx = up.Backward(dy).Span.ToArray();
        // ∂C/∂w: the convolution's weight gradient with δ as its images and x as its output gradient; ∂C/∂x: that
        // convolution run on δ.
        var dw = new float[up.Weight.Value.Length];
        DirectConv2dReference.WeightGradient(dy.Span, x.Span, batch, g, 5, dw);
        var dxRef = new float[x.Length];
        DirectConv2dReference.Forward(dy.Span, batch, g, up.Weight.Value.Span, 5, default, dxRef);
        for (int i = 0; i < dw.Length; i++) Close(dw[i], up.Weight.Gradient[i], $"∂C/∂w[{i}]");
        for (int i = 0; i < dx.Length; i++) Close(dxRef[i], dx[i], $"∂C/∂x[{i}]");
    }
}
