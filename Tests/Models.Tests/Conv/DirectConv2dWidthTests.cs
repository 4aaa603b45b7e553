using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tests.Gradients;
using NeuralPipelines.Models.Tests.Kernels;

namespace NeuralPipelines.Models.Tests.Conv;

/// <summary>The direct convolution kernels at each SIMD width (<see cref="SimdWidth"/>) against their plain twins, and
/// the same bits at every vector width and thread count. In the GEMM's collection: they switch the process-wide width
/// and thread count, so they run alone.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class DirectConv2dWidthTests
{
    // C, H, W, kH, kW, pad, out channels, batch, stride: LeNet's two layers (6 channels: one 512-bit group of eight, two
    // of them padding; 16: two full groups), ResNet's 16→16 and 64→64 on 7×7 (blocks of 48 across row ends), a strided
    // layer, three channels (at most four: the 512-bit path keeps the 256-bit tile), and last groups of six and five
    // channels (the 512-bit six-channel tile, which LeNet's six-channel layers take).
    private static readonly int[][] Shapes =
    [
        [1, 28, 28, 5, 5, 2, 6, 64, 1],
        [6, 14, 14, 5, 5, 0, 16, 8, 1],
        [16, 28, 28, 3, 3, 1, 16, 4, 1],
        [64, 7, 7, 3, 3, 1, 64, 3, 1],
        [16, 28, 28, 3, 3, 1, 32, 3, 2],
        [2, 9, 13, 3, 3, 1, 3, 2, 1],
        // A last group of six (8 + 6) and of five channels: at 512 bits the six-channel tile.
        [3, 12, 12, 3, 3, 1, 14, 3, 1],
        [2, 10, 10, 3, 3, 1, 5, 2, 1],
    ];

    [WidthFact(SimdPath.Vector256)] public void Vector256_forward_matches_the_reference_on_one_and_two_threads() => Forward(SimdPath.Vector256);
    [WidthFact(SimdPath.Vector512)] public void Vector512_forward_matches_the_reference_on_one_and_two_threads() => Forward(SimdPath.Vector512);

    [WidthFact(SimdPath.Vector256)] public void Vector256_weight_gradient_matches_the_reference_on_one_and_two_threads() => WeightGradient(SimdPath.Vector256);
    [WidthFact(SimdPath.Vector512)] public void Vector512_weight_gradient_matches_the_reference_on_one_and_two_threads() => WeightGradient(SimdPath.Vector512);

    [Fact]
    public void Scalar_path_leaves_the_direct_route_to_the_columns()
    {
        using var _ = SimdWidth.Use(SimdPath.Scalar);
        var g = new Im2ColGeometry(16, 28, 28, 3, 3, 1, 1, 1, 1);
        Assert.False(DirectConv2d.Suits(g));
        Assert.False(DirectConv2dWeightGradient.Suits(g));
        Assert.False(DirectConv2d.SuitsInputGradient(g, 16));
    }

    /// <summary>Skipped, saying so, where the machine has one vector width only (nothing to compare).</summary>
    [WidthFact(SimdPath.Vector512)]
    public void Every_vector_width_gives_the_same_bits()
    {
        var widths = SimdWidth.AvailablePaths.Where(w => w != SimdPath.Scalar).ToArray();
        Assert.True(widths.Length >= 2, $"{widths.Length} vector widths on a machine that runs 512 bits");
        foreach (var a in Shapes)
        {
            var (g, x, w, b, batch, outChannels) = Problem(a);
            float[] Run(SimdPath width)
            {
                using var _ = SimdWidth.Use(width);
                var y = new float[batch * outChannels * g.OutPixels];
                DirectConv2d.Forward(x, batch, g, w, outChannels, b, y);
                return y;
            }
            var first = Run(widths[0]);
            foreach (var width in widths.Skip(1))
                Assert.True(first.AsSpan().SequenceEqual(Run(width)), $"{g} → {outChannels}: {width} differs from {widths[0]}");
            if (g.StrideH > 1) continue; // ∂C/∂w's direct kernel is for stride 1
            var dy = GradientCheck.Random(new Random(7), batch, outChannels, g.OutHeight, g.OutWidth).Data;
            var firstGradient = Gradient(widths[0], g, x, dy, batch, outChannels, threads: Gemm.Threads);
            foreach (var width in widths.Skip(1))
                Assert.True(firstGradient.AsSpan().SequenceEqual(Gradient(width, g, x, dy, batch, outChannels, Gemm.Threads)),
                    $"∂C/∂w of {g} → {outChannels}: {width} differs from {widths[0]}");
        }
    }

    private static void WeightGradient(SimdPath width)
    {
        foreach (var a in Shapes)
        {
            var (g, x, _, _, batch, outChannels) = Problem(a);
            if (g.StrideH > 1) continue;
            var dy = GradientCheck.Random(new Random(7), batch, outChannels, g.OutHeight, g.OutWidth).Data;
            var slow = new float[outChannels * g.Rows];
            DirectConv2dReference.WeightGradient(x, dy, batch, g, outChannels, slow);
            var one = Gradient(width, g, x, dy, batch, outChannels, threads: 1);
            for (int i = 0; i < slow.Length; i++)
                Assert.True(Math.Abs(slow[i] - one[i]) <= 1e-4f * (1 + Math.Abs(slow[i])), $"∂C/∂w of {g} → {outChannels} at {width}: [{i}] = {one[i]}, reference {slow[i]}");
            Assert.True(one.AsSpan().SequenceEqual(Gradient(width, g, x, dy, batch, outChannels, threads: 2)),
                $"∂C/∂w of {g} → {outChannels} at {width}: 1 and 2 threads differ");
        }
    }

    private static float[] Gradient(SimdPath width, Im2ColGeometry g, float[] x, float[] dy, int batch, int outChannels, int threads)
    {
        using var _ = SimdWidth.Use(width);
        using var settings = new KernelSettingsScope(threads: threads);
        var dw = new float[outChannels * g.Rows];
        var workspace = Enumerable.Repeat(float.NaN, DirectConv2dWeightGradient.WorkspaceLength(g, outChannels, batch)).ToArray();
        DirectConv2dWeightGradient.Accumulate(x, dy, batch, g, outChannels, dw, workspace);
        return dw;
    }

    private static void Forward(SimdPath width)
    {
        using var _ = SimdWidth.Use(width);
        foreach (var a in Shapes)
        {
            var (g, x, w, b, batch, outChannels) = Problem(a);
            Assert.True(DirectConv2d.Suits(g), g.ToString());
            var slow = new float[batch * outChannels * g.OutPixels];
            DirectConv2dReference.Forward(x, batch, g, w, outChannels, b, slow);
            float[] On(int threads)
            {
                using var settings = new KernelSettingsScope(threads: threads);
                var fast = Enumerable.Repeat(float.NaN, slow.Length).ToArray(); // every output must be written
                DirectConv2d.Forward(x, batch, g, w, outChannels, b, fast);
                return fast;
            }
            var one = On(1);
            for (int i = 0; i < slow.Length; i++)
                Assert.True(Math.Abs(slow[i] - one[i]) <= 1e-5f * (1 + Math.Abs(slow[i])), $"{g} → {outChannels} at {width}: y[{i}] = {one[i]}, reference {slow[i]}");
            Assert.True(one.AsSpan().SequenceEqual(On(2)), $"{g} → {outChannels} at {width}: 1 and 2 threads differ");
        }
    }

    private static (Im2ColGeometry G, float[] X, float[] W, float[] B, int Batch, int OutChannels) Problem(int[] a)
    {
        var g = new Im2ColGeometry(a[0], a[1], a[2], a[3], a[4], a[8], a[8], a[5], a[5]);
        int outChannels = a[6], batch = a[7];
        var rng = new Random(a.Sum());
        return (g, GradientCheck.Random(rng, batch, a[0], a[1], a[2]).Data, GradientCheck.Random(rng, outChannels, a[0], a[3], a[4]).Data,
            GradientCheck.Random(rng, outChannels).Data, batch, outChannels);
    }
}
