using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;
using NeuralPipelines.Models.Tests.Kernels;

namespace NeuralPipelines.Models.Tests.Conv;

public class DirectConv2dTests
{
    /// <summary>Equal up to float rounding: the kernels add the same products in a different order.</summary>
    private static void Close(float expected, float actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5f * (1 + Math.Abs(expected)), $"expected {expected}, got {actual}");

    public static TheoryData<int[]> Shapes => new()
    {
        // C, H, W, kH, kW, pH, pW, out channels, batch [, stride H, stride W, dilation H, dilation W]
        { [16, 28, 28, 3, 3, 1, 1, 32, 3, 2, 2, 1, 1] },  // ResNet's strided 3×3: four phase planes per channel
        { [16, 28, 28, 1, 1, 0, 0, 32, 2, 2, 2, 1, 1] },  // its 1×1 strided projection
        { [3, 17, 17, 3, 2, 1, 0, 5, 2, 3, 2, 1, 1] },    // odd sizes, stride 3 × 2, a 3×2 kernel (8-pixel rows: a strided layer onto 7 goes through columns)
        { [2, 16, 19, 3, 3, 2, 1, 6, 2, 1, 1, 2, 2] },    // dilation 2
        { [2, 20, 21, 3, 3, 1, 2, 5, 2, 2, 1, 2, 3] },    // stride and dilation together
        { [1, 28, 28, 5, 5, 2, 2, 6, 3] },    // LeNet's first layer: six channels run as two groups of four (two padding channels)
        { [1, 28, 28, 3, 3, 1, 1, 16, 2] },   // a ResNet stem: four full groups
        { [3, 9, 13, 3, 3, 0, 1, 5, 2] },     // several input channels, width not a multiple of eight, uneven padding
        { [2, 8, 12, 2, 4, 1, 0, 9, 1] },      // two groups of four and a group of one
        { [64, 7, 7, 3, 3, 1, 1, 64, 3] },    // ResNet's 64→64 on 7×7: 576 taps, blocks running across row ends
        { [1, 28, 28, 5, 5, 2, 2, 6, 64] },   // enough work for the parallel path
        { [6, 14, 14, 5, 5, 0, 0, 16, 4] },   // LeNet's second layer: 150 taps, 10-pixel rows (blocks of 24 positions cross the 14-wide padded rows)
        { [16, 28, 28, 3, 3, 1, 1, 16, 2] },  // ResNet's 16→16: 29-wide planes, 28-wide rows, 17 blocks of 48
        { [32, 14, 14, 3, 3, 1, 1, 24, 2] },  // ResNet's 32→32 shape with three groups of eight: 15-wide planes, a 32-wide last block
    };

    [Avx2Theory, MemberData(nameof(Shapes))]
    public void Direct_convolution_matches_its_reference(int[] a)
    {
        var g = Geometry(a);
        int outChannels = a[7], batch = a[8];
        Assert.True(DirectConv2d.Suits(g), "every row is a shape the direct kernel takes");
        var rng = new Random(11);
        var x = GradientCheck.Random(rng, batch, a[0], a[1], a[2]).Data;
        var w = GradientCheck.Random(rng, outChannels, a[0], a[3], a[4]).Data;
        var b = GradientCheck.Random(rng, outChannels).Data;
        foreach (var bias in new[] { b, [] })
        {
            var fast = Enumerable.Repeat(float.NaN, batch * outChannels * g.OutPixels).ToArray(); // every output must be written
            var slow = new float[fast.Length];
            DirectConv2d.Forward(x, batch, g, w, outChannels, bias, fast);
            DirectConv2dReference.Forward(x, batch, g, w, outChannels, bias, slow);
            for (int i = 0; i < slow.Length; i++) Close(slow[i], fast[i]);
        }
    }

    [Avx2Fact]
    public void A_layout_dealt_after_another_into_the_same_buffer_gets_its_own_zeros()
    {
        // Each thread keeps its deal buffer, and an image of the layout dealt last skips the zero borders. One image per
        // call runs on the calling thread: a padded layout, then one without padding over the same buffer (its image rows
        // land where the first one's zeros were), then the padded one again, whose zeros must be written afresh.
        var rng = new Random(13);
        foreach (var a in new[] { new[] { 4, 12, 12, 3, 3, 1, 1, 8, 1 }, [4, 16, 16, 3, 3, 0, 0, 8, 1], [4, 12, 12, 3, 3, 1, 1, 8, 1], [4, 12, 12, 3, 3, 1, 1, 8, 1] })
        {
            var g = Geometry(a);
            var x = GradientCheck.Random(rng, 1, a[0], a[1], a[2]).Data;
            var w = GradientCheck.Random(rng, a[7], a[0], a[3], a[4]).Data;
            var fast = new float[a[7] * g.OutPixels];
            var slow = new float[fast.Length];
            DirectConv2d.Forward(x, 1, g, w, a[7], [], fast);
            DirectConv2dReference.Forward(x, 1, g, w, a[7], [], slow);
            for (int i = 0; i < slow.Length; i++) Close(slow[i], fast[i]);
        }
    }

    /// <summary>One geometry, two layouts (rows that share their zero borders, and rows with their own): dealt one after the
    /// other into the same buffer on the calling thread, each gets its own zeros and both give the same bits.</summary>
    [Avx2Fact]
    public void The_layouts_with_and_without_shared_borders_give_the_same_bits_one_after_the_other()
    {
        var g = new Im2ColGeometry(4, 12, 12, 3, 3, 1, 1, 1, 1);
        var rng = new Random(17);
        var x = GradientCheck.Random(rng, 1, 4, 12, 12).Data;
        var w = GradientCheck.Random(rng, 8, 4, 3, 3).Data;
        var results = new List<float[]>();
        try
        {
            foreach (bool shared in new[] { true, false, true, false })
            {
                DirectConv2d.SharedBorders = shared;
                var y = new float[8 * g.OutPixels];
                DirectConv2d.Forward(x, 1, g, w, 8, [], y);
                results.Add(y);
            }
        }
        finally { DirectConv2d.SharedBorders = true; }
        foreach (var y in results.Skip(1)) Assert.Equal(results[0], y);
    }

    /// <summary>The 512-bit tiles' outputs moved to their rows block by block, or from a staging plane after the image: the
    /// same bits, written and added onto what is there (a residual block's share), on every shape above.</summary>
    [Avx2Theory, MemberData(nameof(Shapes))]
    public void Block_copies_and_the_staging_plane_give_the_same_bits_written_and_added(int[] a) =>
        SameBitsEitherWay(a, 19, on => DirectConv2d.BlockCopies = on);

    /// <summary>The 512-bit tiles' blocks moved to their rows by one compress per vector, or by a copy per run of kept
    /// positions: the same bits on every shape, written (NaN before: every output written) and added onto what is there,
    /// and nothing past a plane's kept outputs left wrong (the compresses' full stores write floats of later positions,
    /// which later blocks must write again).</summary>
    [Avx2Theory, MemberData(nameof(Shapes))]
    public void Compressed_blocks_and_copied_runs_give_the_same_bits(int[] a) =>
        SameBitsEitherWay(a, 23, on => DirectConv2d.CompressesBlocks = on);

    /// <summary>The direct kernel's output with a switch on and off (left on after): written over NaN, and added onto
    /// random values, the same bits both ways.</summary>
    private static void SameBitsEitherWay(int[] a, int seed, Action<bool> setting)
    {
        var g = Geometry(a);
        int outChannels = a[7], batch = a[8];
        var rng = new Random(seed);
        var x = GradientCheck.Random(rng, batch, a[0], a[1], a[2]).Data;
        var w = GradientCheck.Random(rng, outChannels, a[0], a[3], a[4]).Data;
        var b = GradientCheck.Random(rng, outChannels).Data;
        var onto = GradientCheck.Random(rng, batch * outChannels * g.OutPixels).Data;
        var results = new List<(float[] Written, float[] Added)>();
        try
        {
            foreach (bool on in new[] { true, false })
            {
                setting(on);
                var written = Enumerable.Repeat(float.NaN, onto.Length).ToArray();
                var added = (float[])onto.Clone();
                DirectConv2d.Forward(x, batch, g, w, outChannels, b, written);
                DirectConv2d.Forward(x, batch, g, w, outChannels, b, added, adding: true);
                results.Add((written, added));
            }
        }
        finally { setting(true); }
        Assert.Equal(results[1].Written, results[0].Written);
        Assert.Equal(results[1].Added, results[0].Added);
    }

    /// <summary>C, H, W, kH, kW, pH, pW (out channels, batch) [, stride H, stride W, dilation H, dilation W].</summary>
    private static Im2ColGeometry Geometry(int[] a) => a.Length > 9
        ? new Im2ColGeometry(a[0], a[1], a[2], a[3], a[4], a[9], a[10], a[5], a[6], a[11], a[12])
        : new Im2ColGeometry(a[0], a[1], a[2], a[3], a[4], 1, 1, a[5], a[6]);

    public static TheoryData<int[]> GradientShapes => new()
    {
        { [16, 28, 28, 3, 3, 1, 1, 32, 3, 2, 2, 1, 1] },  // ResNet's strided 3×3 (∂C/∂w only)
        { [16, 28, 28, 1, 1, 0, 0, 32, 2, 2, 2, 1, 1] },  // its 1×1 projection: taps padded from 16 to 18
        { [2, 20, 21, 3, 3, 1, 2, 5, 2, 2, 1, 2, 3] },    // stride and dilation together
        { [1, 28, 28, 5, 5, 2, 2, 6, 9] },                // LeNet's first layer: 25 taps, more images than slices
        // C, H, W, kH, kW, pH, pW, out channels, batch
        { [16, 28, 28, 3, 3, 1, 1, 16, 5] },  // ResNet's first stage (28-pixel rows: three full vectors and a half)
        { [3, 14, 14, 3, 3, 1, 1, 6, 3] },    // out channels not a multiple of four, 14-pixel rows
        { [2, 7, 7, 3, 3, 1, 1, 5, 2] },      // rows narrower than one vector (∂C/∂x only)
        { [64, 7, 7, 3, 3, 1, 1, 64, 2] },    // ResNet's 64→64 on 7×7: Convolution sends its ∂C/∂x through columns
        { [2, 8, 9, 3, 3, 1, 1, 5, 2] },      // rows exactly one vector wide
        { [3, 9, 13, 3, 3, 0, 2, 5, 1] },     // no padding in height, two in width; one image (one slice)
        { [1, 28, 28, 3, 3, 1, 1, 16, 9] },   // a ResNet stem; more images than slices, unevenly divided
        { [4, 10, 17, 5, 3, 2, 1, 4, 2] },    // a taller kernel
        { [32, 14, 14, 3, 3, 1, 1, 32, 6] },  // ResNet's second stage, enough work for the parallel path
        { [6, 14, 14, 5, 5, 0, 0, 16, 3] },   // LeNet's second layer (∂C/∂x only: its ∂C/∂x reads δ with padding 4)
    };

    [Avx2Theory, MemberData(nameof(GradientShapes))]
    public void Direct_weight_gradient_matches_its_reference(int[] a)
    {
        var g = Geometry(a);
        int outChannels = a[7], batch = a[8];
        // Suits says where the kernel pays; it is correct everywhere, and checked everywhere here.
        bool strided = g.StrideH > 1 || g.StrideW > 1;
        Assert.Equal(g.OutWidth >= 8 && a[3] * a[4] > 1 && (!strided || g.Rows is >= 64 and <= 384), DirectConv2dWeightGradient.Suits(g));
        var rng = new Random(12);
        var x = GradientCheck.Random(rng, batch, a[0], a[1], a[2]).Data;
        var dy = GradientCheck.Random(rng, batch, outChannels, g.OutHeight, g.OutWidth).Data;
        // Both accumulate: start from the same non-zero gradient.
        var start = GradientCheck.Random(rng, outChannels, a[0], a[3], a[4]).Data;
        var fast = (float[])start.Clone(); var slow = (float[])start.Clone();
        var workspace = Enumerable.Repeat(float.NaN, DirectConv2dWeightGradient.WorkspaceLength(g, outChannels, batch)).ToArray();
        DirectConv2dWeightGradient.Accumulate(x, dy, batch, g, outChannels, fast, workspace);
        DirectConv2dReference.WeightGradient(x, dy, batch, g, outChannels, slow);
        for (int i = 0; i < slow.Length; i++) Assert.True(Math.Abs(slow[i] - fast[i]) <= 1e-4f * (1 + Math.Abs(slow[i])), $"∂C/∂w[{i}]: expected {slow[i]}, got {fast[i]}");
        // The same bits again (the workspace is cleared, not trusted) and on one thread.
        var again = (float[])start.Clone();
        DirectConv2dWeightGradient.Accumulate(x, dy, batch, g, outChannels, again, workspace);
        Assert.Equal(fast, again);
    }

    [Avx2Theory, MemberData(nameof(GradientShapes))]
    public void Direct_input_gradient_matches_its_reference(int[] a)
    {
        var g = Geometry(a);
        if (a.Length > 9) { Assert.Null(DirectConv2d.InputGradientGeometry(g, a[7])); return; } // strided: through columns
        int outChannels = a[7], batch = a[8];
        // Every unstrided row is a shape the kernel takes; Convolution sends ∂C/∂x onto rows under 8 pixels through
        // columns when δ has 32 channels or more.
        Assert.Equal(g.Width >= 8 || outChannels < 32, DirectConv2d.SuitsInputGradient(g, outChannels));
        var rng = new Random(13);
        var w = GradientCheck.Random(rng, outChannels, a[0], a[3], a[4]).Data;
        var dy = GradientCheck.Random(rng, batch, outChannels, g.OutHeight, g.OutWidth).Data;
        var fast = Enumerable.Repeat(float.NaN, batch * g.ImageLength).ToArray();
        var slow = new float[fast.Length];
        DirectConv2d.InputGradient(dy, batch, g, w, outChannels, fast);
        DirectConv2dReference.InputGradient(dy, batch, g, w, outChannels, slow);
        for (int i = 0; i < slow.Length; i++) Close(slow[i], fast[i]);
    }

    [Fact]
    public void Conv2d_on_the_direct_route_gives_the_gradients_of_the_definition()
    {
        // 16→16 3×3 at 12×12 takes the direct kernels for its output, ∂C/∂w and ∂C/∂x: compare the layer's gradients with
        // the reference twins' (the finite-difference checks cover the layer's other routes).
        var rng = new Random(5);
        var conv = new Conv2d(16, 16, 3, padding: 1, rng: rng);
        var x = GradientCheck.Random(rng, 3, 16, 12, 12);
        var g = new Im2ColGeometry(16, 12, 12, 3, 3, 1, 1, 1, 1);
        // The route is the direct one wherever those kernels run (not under NP_SIMD=scalar or without AVX2/FMA); the
        // gradients must be the definition's on whatever route the layer takes.
        Assert.True(DirectWays(g, 16) || Avx2TheoryAttribute.SkipReason is not null);
        conv.Forward(x, training: true);
        var dy = GradientCheck.Random(rng, 3, 16, 12, 12);
        var dx = conv.Backward(dy).Span.ToArray();
        var dw = new float[conv.Weight.Value.Length];
        DirectConv2dReference.WeightGradient(x.Span, dy.Span, 3, g, 16, dw);
        var dxRef = new float[x.Length];
        DirectConv2dReference.InputGradient(dy.Span, 3, g, conv.Weight.Value.Span, 16, dxRef);
        for (int i = 0; i < dw.Length; i++) Assert.True(Math.Abs(dw[i] - conv.Weight.Gradient[i]) <= 1e-4f * (1 + Math.Abs(dw[i])), $"∂C/∂w[{i}]");
        for (int i = 0; i < dx.Length; i++) Close(dxRef[i], dx[i]);
    }

    private static bool DirectWays(Im2ColGeometry g, int outChannels) =>
        DirectConv2d.Suits(g) && DirectConv2dWeightGradient.Suits(g) && DirectConv2d.SuitsInputGradient(g, outChannels);

    [Fact]
    public void Conv2d_inference_through_the_direct_kernel_equals_its_training_pass_and_still_has_gradients()
    {
        var rng = new Random(3);
        var conv = new Conv2d(1, 6, 5, padding: 2, rng: rng);
        var x = GradientCheck.Random(rng, 4, 1, 28, 28);
        var trained = conv.Forward(x, training: true).Span.ToArray();
        var dyTensor = GradientCheck.Random(rng, 4, 6, 28, 28);
        var dxTrained = conv.Backward(dyTensor).Span.ToArray();
        var gradTrained = conv.Weight.Gradient.Span.ToArray();
        conv.Weight.Gradient.Clear();
        var inferred = conv.Forward(x, training: false).Span.ToArray();
        for (int i = 0; i < trained.Length; i++) Close(trained[i], inferred[i]);
        // Backward after an inference pass works from the input the layer kept and gives the same gradients.
        var dx = conv.Backward(dyTensor).Span.ToArray();
        for (int i = 0; i < dx.Length; i++) Close(dxTrained[i], dx[i]);
        var grad = conv.Weight.Gradient.Span.ToArray();
        for (int i = 0; i < grad.Length; i++) Close(gradTrained[i], grad[i]);
    }

    [Fact]
    public void Conv2d_training_pass_through_the_direct_kernel_matches_the_definition_and_finite_differences()
    {
        var rng = new Random(8);
        var conv = new Conv2d(2, 3, 3, padding: 1, rng: rng);
        var x = GradientCheck.Random(rng, 2, 2, 9, 9);
        var g = new Im2ColGeometry(2, 9, 9, 3, 3, 1, 1, 1, 1);
        Assert.True(DirectConv2d.Suits(g) || Avx2TheoryAttribute.SkipReason is not null);
        var expected = new float[2 * 3 * 81];
        DirectConv2dReference.Forward(x.Span, 2, g, conv.Weight.Value.Span, 3, conv.Bias!.Value.Span, expected);
        var y = conv.Forward(x, training: true).Span.ToArray();
        for (int i = 0; i < expected.Length; i++) Close(expected[i], y[i]);
        var result = GradientCheck.Layer(conv, x);
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    [Fact]
    public void Max_pool_inference_equals_training_and_backward_after_it_routes_to_the_winners()
    {
        var rng = new Random(4);
        var x = GradientCheck.Random(rng, 3, 2, 8, 6);
        var pool = new MaxPool2d(2);
        var trained = pool.Forward(x, training: true).Span.ToArray();
        var dy = GradientCheck.Random(rng, 3, 2, 4, 3);
        var dxTrained = pool.Backward(dy).Span.ToArray();
        Assert.Equal(trained, pool.Forward(x, training: false).Span.ToArray());
        Assert.Equal(dxTrained, pool.Backward(dy).Span.ToArray());
    }
}
