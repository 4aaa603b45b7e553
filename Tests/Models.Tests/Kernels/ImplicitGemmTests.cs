using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The implicit GEMM (<see cref="GatheredB"/>, <see cref="ImplicitGemm"/>): a B operand read through offset tables
/// gives the bits of the GEMM on the stored matrix, and the convolution route on it gives the definitions
/// (<see cref="DirectConv2dReference"/>) and the column route's bits, at every SIMD width and on one and two threads.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class ImplicitGemmTests
{
    /// <summary>A gathered B of k rows × n columns whose panels are of all four kinds: contiguous runs of 16, four runs of
    /// four, scattered offsets, and two runs (an 8×8 stride-2 plane's two rows); n not a multiple of 16, so the last panel
    /// is cut. The source has 16 floats to spare past the farthest offset, as the implicit GEMM's padded copy does.</summary>
    private static (float[] Source, int[] Rows, int[] Columns, byte[] Kinds, float[] Stored) Operand(int k, int n, Random rng)
    {
        var rows = new int[k];
        for (int p = 0; p < k; p++) rows[p] = rng.Next(0, 50) + 7 * p;
        var columns = new int[n];
        for (int j = 0; j < n; j++)
            columns[j] = (j / 16 % 4) switch
            {
                0 => 1000 + j,                                   // contiguous
                1 => 3000 + j / 4 * 37 + j % 4,                  // runs of four
                2 => 6000 + (j * 7919) % 997,                    // scattered (repeats allowed)
                _ => 8000 + j / 16 * 100 + (j % 16 < 8 ? 2 * (j % 16) : 40 + 2 * (j % 16 - 8)),   // two runs at stride 2
            };
        var source = GradientCheck.Random(rng, rows.Max() + columns.Max() + 1 + 16).Data;
        var kinds = new byte[n / 16];
        GatheredB.Classify(columns, kinds);
        var stored = new float[k * n];
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++) stored[p * n + j] = source[rows[p] + columns[j]];
        return (source, rows, columns, kinds, stored);
    }

    [Fact]
    public void Panels_are_classified_by_their_layout()
    {
        var (_, _, columns, kinds, _) = Operand(3, 100, new Random(1));
        Assert.Equal(new byte[] { 1, 2, 0, 3, 1, 2 }, kinds);
        // Two runs: within 16 floats of the first offset, or of the first one past those; a third run is scattered.
        var twoRows = new byte[1];
        GatheredB.Classify([.. Enumerable.Range(0, 7), .. Enumerable.Range(10, 7), 20, 21], twoRows);   // 7-wide rows at stride 1, padded to 10
        Assert.Equal((byte)GatheredB.PanelKind.TwoRuns, twoRows[0]);
        GatheredB.Classify([.. Enumerable.Range(0, 6).Select(x => 2 * x), .. Enumerable.Range(0, 5).Select(x => 32 + 2 * x), .. Enumerable.Range(0, 5).Select(x => 64 + 2 * x)], twoRows);
        Assert.Equal((byte)GatheredB.PanelKind.Scattered, twoRows[0]);
        Assert.Equal(6, columns.Length / 16);
    }

    public static TheoryData<int, int, int, bool> Shapes => new()
    {
        // m, n, k, transposed A
        { 13, 100, 37, false },     // every panel kind, a cut panel, a short k
        { 128, 1100, 600, false },  // more columns than a gathered block (768) and k over two KC steps
        { 7, 49, 300, true },       // op(A) = Aᵀ, one image's 7×7 positions
        { 1, 17, 1, false },        // one row, one k, one column past a panel
    };

    [Theory, MemberData(nameof(Shapes))]
    public void A_gathered_b_gives_the_bits_of_the_stored_b_at_every_width_on_one_and_two_threads(int m, int n, int k, bool transA)
    {
        var rng = new Random(m * 31 + n + k);
        var (source, rows, columns, kinds, stored) = Operand(k, n, rng);
        var a = GradientCheck.Random(rng, m * k).Data;
        int lda = transA ? m : k;
        var start = GradientCheck.Random(rng, m * n).Data;
        var reference = (float[])start.Clone();
        GemmReference.Multiply(transA, false, m, n, k, a, lda, stored, n, reference, n, accumulate: true);
        foreach (var width in SimdWidth.AvailablePaths)
            using (SimdWidth.Use(width))
                // Two-run panels permuted, gathered (the switch off, or no floats to spare past the source's end), or
                // packed by the scalar loop: the same floats every way.
                foreach (var (gathers, permutes, spare) in new[] { (true, true, true), (true, false, true), (true, true, false), (false, true, true) })
                    foreach (int threads in new[] { 1, 2 })
                    {
                        var expected = (float[])start.Clone();
                        var actual = (float[])start.Clone();
                        int before = Gemm.Threads;
                        bool g = GatheredB.Gathers, p = GatheredB.TwoRunsPermute;
                        try
                        {
                            Gemm.Threads = threads;
                            (GatheredB.Gathers, GatheredB.TwoRunsPermute) = (gathers, permutes);
                            Gemm.Multiply(transA, false, m, n, k, a, lda, stored, n, expected, n, accumulate: true);
                            Gemm.MultiplyGathered(transA, m, n, k, a, lda, spare ? source : source.AsSpan(0, source.Length - 16), rows, columns, kinds, actual, n, accumulate: true);
                        }
                        finally { Gemm.Threads = before; (GatheredB.Gathers, GatheredB.TwoRunsPermute) = (g, p); }
                        Assert.Equal(expected, actual);
                        for (int i = 0; i < reference.Length; i++)
                            Assert.True(Math.Abs(reference[i] - actual[i]) <= 1e-4f * (1 + Math.Abs(reference[i])),
                                $"{width}, {threads} thread(s): C[{i}] = {actual[i]}, the definition gives {reference[i]}");
                    }
    }

    [Fact]
    public void An_offset_outside_the_source_is_an_error_that_names_the_operand()
    {
        var (source, rows, columns, kinds, _) = Operand(4, 20, new Random(3));
        var e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyGathered(false, 2, 20, 4, new float[8], 4,
            source.AsSpan(0, source.Length - 17), rows, columns, kinds, new float[40], 20));   // one float short of the farthest offset
        Assert.Contains("Gathered GEMM operand B (4×20)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyGathered(false, 2, 20, 4, new float[8], 4,
            source, rows.AsSpan(0, 3), columns, kinds, new float[40], 20));
        Assert.Contains("needs 4 row and 20 column offsets", e.Message);
    }

    public static TheoryData<int[]> Convolutions => new()
    {
        // C, H, W, kH, kW, stride H, stride W, pad H, pad W, dilation, out channels, batch
        { [64, 14, 14, 4, 4, 2, 2, 1, 1, 1, 128, 3] },   // DCGAN's 64→128 layer (1024 taps)
        { [64, 8, 8, 4, 4, 2, 2, 1, 1, 1, 128, 2] },     // pix2pix ngf 32's 64→128 layer, 8×8 → 4×4
        { [41, 13, 11, 4, 4, 2, 2, 1, 1, 1, 13, 3] },    // odd sizes, 656 taps, 13 output channels
        { [81, 9, 10, 3, 3, 1, 1, 1, 1, 1, 7, 2] },      // 3×3 stride 1 (729 taps: positions contiguous in a row)
        { [44, 15, 12, 4, 4, 3, 2, 0, 2, 1, 5, 2] },     // stride 3 × 2, padding only in width
        { [80, 11, 12, 3, 3, 2, 2, 2, 2, 2, 6, 2] },     // dilation 2
        { [256, 2, 2, 4, 4, 2, 2, 1, 1, 1, 9, 4] },      // pix2pix's innermost 2×2 → 1×1 shapes (through Convolution: cropped)
        { [48, 12, 9, 4, 4, 2, 2, 0, 0, 1, 5, 2] },      // 4×4 stride 2 without padding, odd width: phases of unequal size
        { [48, 11, 10, 4, 4, 2, 2, 2, 2, 1, 3, 2] },     // padding 2: taps reach two rows past δ's edge
        { [200, 8, 8, 2, 2, 2, 2, 0, 0, 1, 4, 2] },      // 2×2 stride 2 (800 taps): one tap per phase
        { [41, 7, 9, 4, 4, 1, 1, 1, 2, 1, 3, 2] },       // 4×4 stride 1, unequal padding: one phase
    };

    private static Im2ColGeometry Geometry(int[] a) => new(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[9]);

    [Theory, MemberData(nameof(Convolutions))]
    public void The_implicit_route_gives_the_definitions_and_the_column_routes_bits(int[] a)
    {
        var g = Geometry(a);
        int outChannels = a[10], batch = a[11];
        var s = new ConvolutionGeometry(batch, outChannels, g);
        var problem = ConvolutionProblem.Random(s, new Random(a.Sum()));
        var (x, w, b, dy, start, y, dw, dx) = (problem.X, problem.W, problem.B, problem.Dy, problem.Start, problem.Y, problem.Dw, problem.Dx);

        // The column route's bits: im2col of the whole batch and the GEMM (z = w·columns, ∂C/∂w = δ·columnsᵀ).
        int cols = s.Columns, p = s.OutPixels;
        var columns = new float[g.Rows * cols];
        Im2ColReference.Unfold(x, batch, g, columns);
        var z = new float[outChannels * cols];
        Gemm.Multiply(false, false, outChannels, cols, g.Rows, w, g.Rows, columns, cols, z, cols);
        var delta = new float[outChannels * cols];
        for (int i = 0; i < batch; i++)
            for (int o = 0; o < outChannels; o++)
                Array.Copy(dy, (i * outChannels + o) * p, delta, o * cols + i * p, p);
        var columnDw = (float[])start.Clone();
        Gemm.Multiply(false, true, outChannels, g.Rows, cols, delta, cols, columns, cols, columnDw, g.Rows, accumulate: true);

        Assert.True(ImplicitGemm.Suits(s) || Convolution.IsCropped(s));
        foreach (var width in SimdWidth.AvailablePaths)
            using (SimdWidth.Use(width))
                foreach (int threads in new[] { 1, 2 })
                {
                    using (new KernelSettingsScope(threads: threads))
                    {
                        // The channels-last forward route would take some of these shapes' output ahead of this one.
                        bool channelsLast = ChannelsLastForward.Enabled;
                        ChannelsLastForward.Enabled = false;
                        var convolution = new Convolution();
                        var fastY = Enumerable.Repeat(float.NaN, y.Length).ToArray(); // every output written
                        try { convolution.Forward(s, x, w, b, fastY); }
                        finally { ChannelsLastForward.Enabled = channelsLast; }
                        // Right after the forward pass (its padded input reused), and alone (padded again).
                        var afterForward = (float[])start.Clone();
                        convolution.WeightGradient(s, x, dy, afterForward);
                        var alone = (float[])start.Clone();
                        convolution.WeightGradient(s, x, dy, alone);
                        // ∂C/∂x stays on the column routes; checked here beside the products that moved.
                        var fastDx = Enumerable.Repeat(float.NaN, dx.Length).ToArray(); // every pixel written
                        convolution.InputGradient(s, dy, w, fastDx);
                        for (int i = 0; i < dx.Length; i++) Close(dx[i], fastDx[i], $"{width}, {threads} thread(s): ∂C/∂x[{i}]");
                        for (int i = 0; i < y.Length; i++) Close(y[i], fastY[i], $"{width}, {threads} thread(s): y[{i}]");
                        for (int i = 0; i < dw.Length; i++) Close(dw[i], alone[i], $"{width}, {threads} thread(s): ∂C/∂w[{i}]");
                        Assert.Equal(afterForward, alone);
                        if (Convolution.IsCropped(s)) continue;
                        for (int i = 0; i < batch; i++)
                            for (int o = 0; o < outChannels; o++)
                                for (int q = 0; q < p; q++)
                                    Assert.Equal(z[o * cols + i * p + q] + b[o], fastY[(i * outChannels + o) * p + q]);
                        Assert.Equal(columnDw, alone);
                    }
                }
    }

    public static TheoryData<int[]> SmallPlanes => new()
    {
        // C, H, W, kH, kW, stride H, stride W, pad H, pad W, dilation, out channels, batch
        { [64, 14, 14, 4, 4, 2, 2, 1, 1, 1, 128, 64] },  // DCGAN's 64→128 layer at batch 64: chunks of images
        { [64, 14, 14, 4, 4, 2, 2, 1, 1, 1, 128, 43] },  // an odd batch: 6 chunks of 8 images, the last of 3
        { [128, 8, 8, 4, 4, 1, 1, 1, 1, 1, 24, 24] },    // PatchGAN's 4×4 stride-1 layer, 8×8 → 7×7, at batch 24
        { [41, 13, 11, 4, 4, 2, 2, 1, 1, 1, 13, 110] },  // odd sizes, 6×5 outputs, 13 output channels
        { [64, 16, 16, 4, 4, 2, 2, 1, 1, 1, 24, 64] },   // the U-Net's 64→128 layer (ngf 32), 16×16 → 8×8, at inference's batch 64 (fewer output channels)
    };

    /// <summary><see cref="ImplicitGemm.ForwardMinPixels"/> moves the forward product of small output planes to the
    /// chunks of images: the same bits as on the implicit GEMM, at every width on one and two threads.</summary>
    [Theory, MemberData(nameof(SmallPlanes))]
    public void A_small_planes_forward_has_the_same_bits_on_the_column_routes_and_the_implicit_gemm(int[] a)
    {
        var g = Geometry(a);
        var s = new ConvolutionGeometry(a[11], a[10], g);
        var problem = ConvolutionProblem.Random(s, new Random(a.Sum()));
        Assert.True(s.OutPixels < ImplicitGemm.ForwardMinPixels && ImplicitGemm.Suits(s, noDirectKernel: true)
            && Im2ColChunks.Suits(g, s.Batch, noDirectKernel: true));
        Assert.False(ImplicitGemm.SuitsForward(s));
        foreach (var width in SimdWidth.AvailablePaths)
            using (SimdWidth.Use(width))
                foreach (int threads in new[] { 1, 2 })
                {
                    using var settings = new KernelSettingsScope(threads: threads);
                    int minPixels = ImplicitGemm.ForwardMinPixels;
                    try
                    {
                        var columns = Enumerable.Repeat(float.NaN, problem.Y.Length).ToArray(); // every output written
                        new Convolution().Forward(s, problem.X, problem.W, problem.B, columns);
                        ImplicitGemm.ForwardMinPixels = 0;
                        Assert.True(ImplicitGemm.SuitsForward(s));
                        var implicitRoute = Enumerable.Repeat(float.NaN, problem.Y.Length).ToArray();
                        new Convolution().Forward(s, problem.X, problem.W, problem.B, implicitRoute);
                        Assert.True(columns.AsSpan().SequenceEqual(implicitRoute), $"{width}, {threads} thread(s): the routes' bits differ");
                        for (int i = 0; i < columns.Length; i++) Close(problem.Y[i], columns[i], $"{width}, {threads} thread(s): y[{i}]");
                    }
                    finally { ImplicitGemm.ForwardMinPixels = minPixels; }
                }
    }

    [Fact]
    public void A_weight_gradient_after_another_product_pads_its_own_input()
    {
        // Forward on x, then ∂C/∂w on another input: a stale padded copy would give x's gradient.
        var g = new Im2ColGeometry(48, 10, 10, 4, 4, 2, 2, 1, 1);
        var s = new ConvolutionGeometry(2, 4, g);
        var rng = new Random(8);
        var x = GradientCheck.Random(rng, 2, 48, 10, 10).Data;
        var other = GradientCheck.Random(rng, 2, 48, 10, 10).Data;
        var w = GradientCheck.Random(rng, 4, 48, 4, 4).Data;
        var dy = GradientCheck.Random(rng, 2, 4, 5, 5).Data;
        var convolution = new Convolution();
        convolution.Forward(s, x, w, default, new float[s.OutputLength]);
        convolution.InputGradient(s, dy, w, new float[s.InputLength]);
        var fast = new float[w.Length];
        convolution.WeightGradient(s, other, dy, fast);
        var expected = new float[w.Length];
        DirectConv2dReference.WeightGradient(other, dy, 2, g, 4, expected);
        for (int i = 0; i < expected.Length; i++) Close(expected[i], fast[i], $"∂C/∂w[{i}]");
    }

    private static void Close(float expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4f * (1 + Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");
}
