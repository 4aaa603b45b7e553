using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary><see cref="FlatPlanes.Fill"/> deals an image into its stride-phase planes exactly as its plain twin
/// <see cref="FlatPlanes.FillReference"/> does, float for float, in every phase some tap reads, and leaves the others
/// zero, at every SIMD width. Geometries: ResNet's 3×3 and 1×1 stride-2 layers, DCGAN's and pix2pix's 4×4 stride 2, odd
/// sizes whose rows end inside a vector, padding wider than a vector's reach, an image wider than the windows reach,
/// stride 3, dilation with stride 2, and padding that puts whole rows outside the image. The planes start as NaN, so an
/// element left unwritten fails, and a vector that writes past a plane's last row (into a plane dealt earlier) fails too.
/// A second image is then dealt over the first with <c>bordersZero</c> (a stride-1 deal then writes the image rows only)
/// and must match the twin's deal of it as well.
/// In the GEMM's collection: it switches the process-wide width.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class FlatPlanesTests
{
    // (channels, H, W, kH, kW, stride, pad, dilation)
    private static readonly (int C, int H, int W, int K, int Kw, int S, int P, int D)[] Geometries =
    [
        (16, 28, 28, 3, 3, 2, 1, 1), (32, 14, 14, 3, 3, 2, 1, 1), (16, 28, 28, 1, 1, 2, 0, 1), (32, 14, 14, 1, 1, 2, 0, 1),
        (3, 64, 64, 4, 4, 2, 1, 1), (2, 28, 28, 4, 4, 2, 1, 1), (3, 13, 11, 3, 3, 2, 1, 1), (2, 9, 23, 3, 5, 2, 2, 1),
        (2, 40, 37, 3, 3, 2, 0, 1), (1, 8, 8, 5, 5, 2, 9, 1), (2, 30, 30, 1, 1, 2, 0, 1), (2, 17, 19, 3, 3, 3, 1, 1),
        (2, 21, 21, 3, 3, 2, 2, 2), (1, 5, 7, 4, 2, 2, 3, 1), (4, 10, 10, 2, 2, 2, 0, 1),
        // Stride 1: ResNet's and LeNet's layers, rows shorter than a vector, and an image wider than the windows reach.
        (16, 28, 28, 3, 3, 1, 1, 1), (64, 7, 7, 3, 3, 1, 1, 1), (6, 14, 14, 5, 5, 1, 0, 1), (1, 28, 28, 5, 5, 1, 2, 1),
        (3, 5, 6, 3, 3, 1, 2, 1), (2, 9, 23, 3, 5, 1, 0, 2),
    ];

    [WidthFact(SimdPath.Scalar)] public void Scalar_deals_the_twins_floats() => Matches(SimdPath.Scalar);
    [WidthFact(SimdPath.Vector256)] public void Vector256_deals_the_twins_floats() => Matches(SimdPath.Vector256);
    [WidthFact(SimdPath.Vector512)] public void Vector512_deals_the_twins_floats() => Matches(SimdPath.Vector512);

    [WidthFact(SimdPath.Vector256)] public void Vector256_stride_2_rows_narrower_than_a_vector_stay_in_their_plane() => NarrowRowsStayInTheirPlane(SimdPath.Vector256);
    [WidthFact(SimdPath.Vector512)] public void Vector512_stride_2_rows_narrower_than_a_vector_stay_in_their_plane() => NarrowRowsStayInTheirPlane(SimdPath.Vector512);

    /// <summary>Found by the kernel fuzz (<c>KernelFuzzTests</c>): a 3×3 stride-2 kernel with padding 1 on a 3×1 image
    /// deals rows two floats wide, and the eight-float store of the even phase's first row reached through its plane's end
    /// into the odd phase's rows, dealt just before, so ∂C/∂w of <see cref="DirectConv2dWeightGradient"/> (which its
    /// <c>Suits</c> declines there, but is meant to be right on any geometry) came out wrong.</summary>
    private static unsafe void NarrowRowsStayInTheirPlane(SimdPath width)
    {
        using var _ = SimdWidth.Use(width);
        var g = new Im2ColGeometry(1, 3, 1, 3, 3, 2, 2, 1, 1);
        var layout = new FlatPlanes(g);
        Assert.True(layout.Width < 8);
        float[] x = [1f, 2f, 3f], expected = new float[layout.ChannelLength], actual = Enumerable.Repeat(float.NaN, layout.ChannelLength + 8).ToArray();
        fixed (float* px = x) fixed (float* pe = expected) fixed (float* pa = actual)
        {
            layout.FillReference(px, pe);
            layout.Fill(px, pa);
        }
        Compare(g, layout, width, expected, actual, "rows of two");
        var s = new ConvolutionGeometry(1, 1, g);
        float[] dy = [0.5f, -1f], w0 = new float[9], dw = new float[9];
        DirectConv2dReference.WeightGradient(x, dy, 1, g, 1, w0);
        DirectConv2dWeightGradient.Accumulate(x, dy, 1, g, 1, dw, new float[DirectConv2dWeightGradient.WorkspaceLength(g, 1, 1)]);
        Assert.Equal(w0, dw);
    }

    [Fact]
    public void A_1x1_stride_2_kernel_reads_one_phase_and_a_3x3_all_four()
    {
        var pointwise = new FlatPlanes(new Im2ColGeometry(16, 28, 28, 1, 1, 2, 2, 0, 0));
        Assert.True(pointwise.Reads(0, 0));
        Assert.False(pointwise.Reads(0, 1) || pointwise.Reads(1, 0) || pointwise.Reads(1, 1));
        var full = new FlatPlanes(new Im2ColGeometry(16, 28, 28, 3, 3, 2, 2, 1, 1));
        Assert.True(full.Reads(0, 0) && full.Reads(0, 1) && full.Reads(1, 0) && full.Reads(1, 1));
        // Dilation 2 with stride 2: every tap lands on the even phase.
        var dilated = new FlatPlanes(new Im2ColGeometry(1, 21, 21, 3, 3, 2, 2, 2, 2, 2, 2));
        Assert.True(dilated.Reads(0, 0));
        Assert.False(dilated.Reads(1, 1));
    }

    private static unsafe void Matches(SimdPath width)
    {
        using var _ = SimdWidth.Use(width);
        var rng = new Random(7);
        foreach (var (c, h, w, k, kw, s, p, d) in Geometries)
        {
            var g = new Im2ColGeometry(c, h, w, k, kw, s, s, p, p, d, d);
            var layout = new FlatPlanes(g);
            var x = new float[g.ImageLength];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            int length = c * layout.ChannelLength;
            float[] expected = new float[length], actual = Enumerable.Repeat(float.NaN, length).ToArray();
            fixed (float* px = x) fixed (float* pe = expected) fixed (float* pa = actual)
            {
                layout.FillReference(px, pe);
                layout.Fill(px, pa);
            }
            Compare(g, layout, width, expected, actual, "first image");
            for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            fixed (float* px = x) fixed (float* pe = expected) fixed (float* pa = actual)
            {
                layout.FillReference(px, pe);
                layout.Fill(px, pa, bordersZero: true);
            }
            Compare(g, layout, width, expected, actual, "second image, bordersZero");
        }
    }

    private static void Compare(Im2ColGeometry g, FlatPlanes layout, SimdPath width, float[] expected, float[] actual, string which)
    {
        int c = g.Channels, s = g.StrideH;
        for (int ch = 0; ch < c; ch++)
            for (int a = 0; a < s; a++)
                for (int b = 0; b < s; b++)
                    for (int q = 0; q < layout.Plane; q++)
                    {
                        int at = ch * layout.ChannelLength + (a * s + b) * layout.Plane + q;
                        float want = layout.Reads(a, b) ? expected[at] : 0f;
                        if (BitConverter.SingleToInt32Bits(want) != BitConverter.SingleToInt32Bits(actual[at]))
                            Assert.Fail($"{g} at {width}, {which}: channel {ch}, phase ({a}, {b}), row {q / layout.Width}, column {q % layout.Width}: {actual[at]} where the twin gives {want}");
                    }
    }
}
