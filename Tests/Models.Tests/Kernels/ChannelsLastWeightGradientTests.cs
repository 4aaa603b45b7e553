using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>∂C/∂w with the column matrix read in place from a channels-last copy (<see cref="ChannelsLastImages"/>,
/// <see cref="GemmInPlaceB"/>, <see cref="ImplicitGemm.ChannelsLastGradients"/>): the copy is its plain twin's, the
/// product is the packed GEMM's float for float, and the convolution's ∂C/∂w keeps the column route's bits and the
/// definitions' values, on one and two threads.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class ChannelsLastWeightGradientTests
{
    public static TheoryData<int, int, int, int, int, int> Images => new()
    {
        // C, H, W, pad H, pad W, batch
        { 64, 7, 7, 1, 1, 3 },     // ResNet-8's 7×7 planes: 49 pixels, three 16-pixel blocks and one left over
        { 32, 14, 14, 1, 1, 2 },
        { 16, 5, 3, 0, 2, 2 },     // fewer pixels than a block, padding in width only
        { 48, 8, 8, 2, 1, 2 },     // whole blocks of pixels
        { 3, 6, 6, 1, 1, 2 },      // channels not a multiple of 16: the plain twin serves
    };

    [Theory, MemberData(nameof(Images))]
    public unsafe void The_channels_last_copy_is_its_twins_at_every_width_on_one_and_two_threads(int c, int h, int w, int padH, int padW, int batch)
    {
        var g = new Im2ColGeometry(c, h, w, 3, 3, 1, 1, padH, padW);
        int hp = h + 2 * padH, wp = w + 2 * padW;
        var x = GradientCheck.Random(new Random(c + h), batch, c, h, w).Data;
        var expected = Enumerable.Repeat(float.NaN, batch * hp * wp * c).ToArray();
        fixed (float* px = x, pe = expected) ChannelsLastImages.PadReference(px, batch, g, hp, wp, pe);
        Assert.Equal(x[(1 * c + c - 1) * h * w + 2], expected[((1 * hp + padH) * wp + padW + 2) * c + c - 1]);   // image 1, last channel, pixel (0, 2)
        foreach (var width in SimdWidth.AvailablePaths)
            using (SimdWidth.Use(width))
                foreach (int threads in new[] { 1, 2 })
                {
                    using var settings = new KernelSettingsScope(threads: threads, loopThreads: threads);
                    var actual = Enumerable.Repeat(float.NaN, expected.Length).ToArray();   // every float written, the border too
                    fixed (float* px = x, pa = actual) ChannelsLastImages.Pad(px, batch, g, hp, wp, pa);
                    Assert.True(expected.AsSpan().SequenceEqual(actual), $"{width}, {threads} thread(s): the copies differ");
                }
    }

    [Theory]
    [InlineData(5, 32, 16)]    // 4×4 kernels, two blocks of channels: the 16×16 transposes
    [InlineData(3, 64, 9)]     // 3×3
    [InlineData(2, 3, 16)]     // channels not a multiple of 16: the plain loop
    public unsafe void Kernels_reordered_to_taps_first_and_back_are_their_twins(int outChannels, int channels, int taps)
    {
        var w = GradientCheck.Random(new Random(channels + taps), outChannels * channels * taps).Data;
        var expected = new float[w.Length];
        fixed (float* pw = w, pe = expected) ChannelsLastImages.ReorderReference(pw, pe, outChannels, channels, taps, tapsFirst: true);
        Assert.Equal(w[(1 * channels + 2) * taps + 3], expected[(1 * taps + 3) * channels + 2]);   // o 1, channel 2, tap 3
        foreach (var width in SimdWidth.AvailablePaths)
            using (SimdWidth.Use(width))
                foreach (int threads in new[] { 1, 2 })
                {
                    using var settings = new KernelSettingsScope(threads: threads, loopThreads: threads);
                    var tapsFirst = new float[w.Length];
                    var back = new float[w.Length];
                    fixed (float* pw = w, pt = tapsFirst, pb = back)
                    {
                        ChannelsLastImages.Reorder(pw, pt, outChannels, channels, taps, tapsFirst: true);
                        ChannelsLastImages.Reorder(pt, pb, outChannels, channels, taps, tapsFirst: false);
                    }
                    Assert.Equal(expected, tapsFirst);
                    Assert.Equal(w, back);
                }
    }

    public static TheoryData<int, int, int, int, bool> Products => new()
    {
        // m, panel pairs, images, pixels an image, accumulate
        { 64, 18, 16, 49, true },    // ResNet-8's 64→64 ∂C/∂w on 7×7: five 12-row tiles and a 4-row one, k over four steps
        { 8, 2, 5, 30, false },      // an 8-row tile, C overwritten
        { 7, 1, 3, 7, true },        // a 7-row tile, one step
        { 150, 3, 4, 80, true },     // more rows than one packed block of A (144), a 6-row tile at the end
        { 1, 1, 2, 300, false },     // one row, a step cut by an image's edge
    };

    [WidthTheory(SimdPath.Vector512), MemberData(nameof(Products))]
    public void A_b_read_in_place_gives_the_packed_gemms_bits_on_one_and_two_threads(int m, int pairs, int images, int plane, bool accumulate)
    {
        int n = 32 * pairs, k = images * plane;
        var rng = new Random(m + n + k);
        // B[p, j] = source[rows[p] + panels[j / 16] + j % 16]: rows scattered, panels in shuffled order and overlapping.
        var rows = Enumerable.Range(0, k).Select(p => 40 * p + rng.Next(0, 30)).ToArray();
        var panels = Enumerable.Range(0, n / 16).Select(q => (q * 7919) % (n / 16) * 11 + rng.Next(0, 5)).ToArray();
        var source = GradientCheck.Random(rng, rows.Max() + panels.Max() + 16).Data;
        var stored = new float[k * n];
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++) stored[p * n + j] = source[rows[p] + panels[j / 16] + j % 16];
        // A as images: image ν's row i at (ν·m + i)·plane, k = ν·plane + pixel.
        var a = GradientCheck.Random(rng, images * m * plane).Data;
        var start = GradientCheck.Random(rng, m * n).Data;
        var reference = accumulate ? (float[])start.Clone() : new float[m * n];
        var rowsOfA = new float[m * k];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++) rowsOfA[i * k + p] = a[(p / plane * m + i) * plane + p % plane];
        GemmReference.Multiply(false, false, m, n, k, rowsOfA, k, stored, n, reference, n, accumulate: true);
        using var width = SimdWidth.Use(SimdPath.Vector512);
        foreach (int threads in new[] { 1, 2 })
        {
            using var settings = new KernelSettingsScope(threads: threads, loopThreads: threads);
            var expected = (float[])start.Clone();
            Gemm.MultiplyImagesA(m, n, k, a, plane, false, stored, n, expected, n, accumulate);
            var actual = (float[])start.Clone();
            GemmInPlaceB.MultiplyImagesA(m, n, k, a, plane, source, rows, panels, actual, n, accumulate);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{threads} thread(s): the in-place product's bits differ from the packed GEMM's");
            for (int i = 0; i < reference.Length; i++)
                Assert.True(Math.Abs(reference[i] - actual[i]) <= 1e-4f * (1 + Math.Abs(reference[i])), $"{threads} thread(s): C[{i}] = {actual[i]}, the definition gives {reference[i]}");
        }
    }

    [Fact]
    public void Threads_take_pieces_of_at_least_four_pairs_beyond_two_pieces()
    {
        using (new KernelSettingsScope(loopThreads: 16))
        {
            Assert.Equal(1, GemmInPlaceB.Parts(1));
            Assert.Equal(2, GemmInPlaceB.Parts(3));
            Assert.Equal(4, GemmInPlaceB.Parts(18));    // ResNet-8's 64→64 layer on 16 cores: 18 pairs in pieces of four or five
            Assert.Equal(16, GemmInPlaceB.Parts(100));
        }
        using (new KernelSettingsScope(loopThreads: 2))
            Assert.Equal(2, GemmInPlaceB.Parts(18));
    }

    [WidthFact(SimdPath.Vector512)]
    public void A_panel_outside_the_source_or_a_cut_pair_is_an_error_that_names_the_product()
    {
        using var width = SimdWidth.Use(SimdPath.Vector512);
        var a = new float[4 * 10];
        var e = Assert.Throws<ArgumentException>(() => GemmInPlaceB.MultiplyImagesA(2, 32, 10, a, 5, new float[100], new int[10], [0, 85], new float[64], 32, false));
        Assert.Contains("reads floats 0..100 of a 100-float source", e.Message);   // the second panel's last float is one past the end
        e = Assert.Throws<ArgumentException>(() => GemmInPlaceB.MultiplyImagesA(2, 16, 10, a, 5, new float[100], new int[10], [0], new float[32], 16, false));
        Assert.Contains("whole pairs of 16-column panels", e.Message);
        e = Assert.Throws<ArgumentException>(() => GemmInPlaceB.MultiplyImagesA(2, 32, 10, a, 5, new float[100], new int[9], [0, 16], new float[64], 32, false));
        Assert.Contains("9 row offsets", e.Message);
    }

    [WidthFact(SimdPath.Vector512)]
    public void The_route_takes_few_output_channels_many_positions_and_whole_blocks_of_channels()
    {
        using var width = SimdWidth.Use(SimdPath.Vector512);
        var resnet = new Im2ColGeometry(64, 7, 7, 3, 3, 1, 1, 1, 1);
        Assert.True(ImplicitGemm.SuitsChannelsLast(new ConvolutionGeometry(64, 64, resnet)));
        Assert.False(ImplicitGemm.SuitsChannelsLast(new ConvolutionGeometry(8, 64, resnet)));     // 392 positions
        Assert.False(ImplicitGemm.SuitsChannelsLast(new ConvolutionGeometry(64, 160, resnet)));   // more rows than a packed block of A
        Assert.False(ImplicitGemm.SuitsChannelsLast(new ConvolutionGeometry(64, 64, resnet with { Channels = 24 })));   // half a block of channels
        Assert.False(ImplicitGemm.SuitsChannelsLast(new ConvolutionGeometry(64, 64, resnet with { Channels = 48 })));   // 432 columns: a cut pair of panels
    }

    public static TheoryData<int[]> Convolutions => new()
    {
        // C, H, W, kH, kW, stride H, stride W, pad H, pad W, dilation, out channels, batch: each at least 512 output positions
        { [64, 7, 7, 3, 3, 1, 1, 1, 1, 1, 64, 12] },     // ResNet-8's 64→64 layer on 7×7 (588 positions)
        { [64, 14, 14, 4, 4, 2, 2, 1, 1, 1, 128, 11] },  // DCGAN's 64→128 layer (1024 taps)
        { [64, 14, 14, 3, 3, 2, 2, 1, 1, 1, 20, 11] },   // 3×3 stride 2, 20 output channels
        { [32, 14, 14, 3, 3, 2, 2, 1, 1, 1, 64, 24] },   // ResNet-8's 32→64 stride-2 layer: 288 taps, fewer than the column-free routes take
        { [48, 15, 12, 4, 4, 3, 2, 0, 2, 1, 5, 20] },    // stride 3 × 2, padding only in width
        { [64, 11, 12, 3, 3, 2, 2, 2, 2, 2, 6, 24] },    // dilation 2
    };

    private static Im2ColGeometry Geometry(int[] a) => new(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[9]);

    [Theory, MemberData(nameof(Convolutions))]
    public void The_convolutions_weight_gradient_keeps_the_column_routes_bits_and_the_definitions(int[] a)
    {
        var g = Geometry(a);
        var s = new ConvolutionGeometry(a[11], a[10], g);
        var problem = ConvolutionProblem.Random(s, new Random(a.Sum()));
        Assert.True(s.Columns >= ImplicitGemm.MinChannelsLastDepth && !DirectConv2dWeightGradient.Suits(g));
        // The column route's bits: im2col of the whole batch and ∂C/∂w = δ·columnsᵀ on the packed GEMM.
        int cols = s.Columns, p = s.OutPixels;
        var columns = new float[g.Rows * cols];
        Im2ColReference.Unfold(problem.X, s.Batch, g, columns);
        var delta = new float[s.OutChannels * cols];
        for (int i = 0; i < s.Batch; i++)
            for (int o = 0; o < s.OutChannels; o++)
                Array.Copy(problem.Dy, (i * s.OutChannels + o) * p, delta, o * cols + i * p, p);
        var columnDw = (float[])problem.Start.Clone();
        Gemm.Multiply(false, true, s.OutChannels, g.Rows, cols, delta, cols, columns, cols, columnDw, g.Rows, accumulate: true);

        bool before = ImplicitGemm.ChannelsLastGradients, tapRows = WeightGradientByTapRows.Enabled;
        try
        {
            // The stride-1 3×3 layer would take the tap rows' ∂C/∂w (its own sums, in another order): off, so that this
            // test keeps checking the in-place GEMM behind it.
            WeightGradientByTapRows.Enabled = false;
            foreach (var width in SimdWidth.AvailablePaths)
                using (SimdWidth.Use(width))
                    foreach (bool channelsLast in new[] { true, false })
                        foreach (int threads in new[] { 1, 2 })
                        {
                            using var settings = new KernelSettingsScope(threads: threads, loopThreads: threads);
                            ImplicitGemm.ChannelsLastGradients = channelsLast;
                            Assert.Equal(channelsLast && width == SimdPath.Vector512, ImplicitGemm.SuitsChannelsLast(s));
                            // As a transposed layer's products go (the GEMM routes only), and as a layer's backward pass goes
                            // (its forward first, on whatever route that takes).
                            foreach (bool columnRoutesOnly in new[] { true, false })
                            {
                                var convolution = new Convolution(columnRoutesOnly);
                                if (!columnRoutesOnly) convolution.Forward(s, problem.X, problem.W, problem.B, new float[s.OutputLength]);
                                var dw = (float[])problem.Start.Clone();
                                convolution.WeightGradient(s, problem.X, problem.Dy, dw);
                                string what = $"{width}, channels-last {channelsLast}, {threads} thread(s), column routes only {columnRoutesOnly}";
                                Assert.True(columnDw.AsSpan().SequenceEqual(dw), $"{what}: ∂C/∂w's bits differ from the column route's");
                                for (int i = 0; i < dw.Length; i++)
                                    Assert.True(Math.Abs(problem.Dw[i] - dw[i]) <= 1e-4f * (1 + Math.Abs(problem.Dw[i])), $"{what}: ∂C/∂w[{i}] = {dw[i]}, the definition gives {problem.Dw[i]}");
                            }
                        }
        }
        finally { (ImplicitGemm.ChannelsLastGradients, WeightGradientByTapRows.Enabled) = (before, tapRows); }
    }
}
