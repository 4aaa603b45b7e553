using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>A GEMM whose A operand is δ stored as images [N × m × P] (<see cref="Gemm.MultiplyImagesA"/>,
/// <see cref="GemmPacking.PackAImages"/>) gives the bits of the GEMM on the [m × N·P] copy that
/// <see cref="ColumnLayout.FromImages"/> makes (its plain twin), at every SIMD width on one and two threads; and a
/// convolution's ∂C/∂w on the column and implicit routes is the same bits with and without the copy.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class GemmImagesATests
{
    public static TheoryData<int, int, int, int, bool> Shapes => new()
    {
        // m (channels), n, P (pixels a plane), N (images), B transposed
        { 64, 16, 196, 5, true },     // DCGAN D's 1→64 ∂C/∂w: 16 taps, 14×14 planes
        { 13, 100, 49, 30, false },   // 7×7 planes, k = 1470 over several KC steps, a cut A panel (13 rows)
        { 7, 20, 5, 3, true },        // planes shorter than the 8-wide transpose
        { 6, 33, 9, 70, false },      // one MR panel exactly, a KC step ending inside a plane
        { 1, 3, 1, 4, true },         // one row, one pixel a plane
        { 13, 20, 16, 2, true },      // runs of whole 8-wide transposes: each panel's last one stores past the panel
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Packing_a_from_images_gives_the_bits_of_the_gathered_copy(int m, int n, int plane, int images, bool transB)
    {
        var rng = new Random(m * 17 + n + plane + images);
        int k = plane * images;
        var dy = GradientCheck.Random(rng, images * m * plane).Data;
        var b = GradientCheck.Random(rng, k * n).Data;
        int ldb = transB ? k : n;
        var start = GradientCheck.Random(rng, m * n).Data;
        var delta = new float[m * k];
        ColumnLayout.FromImages(dy, images, m, plane, delta);
        foreach (var width in SimdWidth.AvailablePaths)
            using (SimdWidth.Use(width))
                foreach (int threads in new[] { 1, 2 })
                {
                    int before = Gemm.Threads;
                    long threshold = Gemm.ParallelThreshold;
                    var expected = (float[])start.Clone();
                    var actual = (float[])start.Clone();
                    try
                    {
                        Gemm.Threads = threads;
                        Gemm.ParallelThreshold = 1; // the team takes even the small shapes
                        Gemm.Multiply(false, transB, m, n, k, delta, k, b, ldb, expected, n, accumulate: true);
                        Gemm.MultiplyImagesA(m, n, k, dy, plane, transB, b, ldb, actual, n, accumulate: true);
                    }
                    finally { Gemm.Threads = before; Gemm.ParallelThreshold = threshold; }
                    Assert.True(expected.AsSpan().SequenceEqual(actual), $"{width}, {threads} thread(s): the products differ");
                }
    }

    [Fact]
    public void Images_that_do_not_fill_the_operand_are_an_error_that_names_it()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyImagesA(4, 2, 10, new float[39], 5, false, new float[20], 2, new float[8], 2));
        Assert.Contains("GEMM operand A [4×10] as images of 5 pixels", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyImagesA(4, 2, 10, new float[40], 3, false, new float[20], 2, new float[8], 2));
        Assert.Contains("multiple of the plane", e.Message);
    }

    public static TheoryData<int[]> Convolutions => new()
    {
        // C, H, W, kH, kW, stride, pad, out channels, batch
        { [1, 28, 28, 4, 4, 2, 1, 64, 4] },     // DCGAN D's 1→64: the column route (Gemm.MultiplyImagesA)
        { [64, 14, 14, 4, 4, 2, 1, 128, 3] },   // DCGAN D's 64→128: the implicit GEMM (gathered B, A from images)
        { [3, 9, 7, 3, 3, 1, 1, 40, 3] },       // stride 1 with columns left by the forward pass
    };

    [Theory, MemberData(nameof(Convolutions))]
    public void A_weight_gradient_has_the_same_bits_with_and_without_the_copy_of_delta(int[] a)
    {
        var g = new Im2ColGeometry(a[0], a[1], a[2], a[3], a[4], a[5], a[5], a[6], a[6]);
        var s = new ConvolutionGeometry(a[8], a[7], g);
        var problem = ConvolutionProblem.Random(s, new Random(a.Sum()));
        foreach (bool columnRoutesOnly in new[] { false, true })
            foreach (int threads in new[] { 1, 2 })
            {
                float[] Run(bool packs)
                {
                    int before = Gemm.Threads;
                    bool was = Convolution.PacksDeltaFromImages;
                    try
                    {
                        Gemm.Threads = threads;
                        Convolution.PacksDeltaFromImages = packs;
                        var convolution = new Convolution(columnRoutesOnly);
                        convolution.Forward(s, problem.X, problem.W, problem.B, new float[s.OutputLength]);
                        var dw = (float[])problem.Start.Clone();
                        convolution.WeightGradient(s, problem.X, problem.Dy, dw); // after the forward pass
                        convolution.WeightGradient(s, problem.X, problem.Dy, dw); // alone
                        return dw;
                    }
                    finally { Gemm.Threads = before; Convolution.PacksDeltaFromImages = was; }
                }
                Assert.True(Run(false).AsSpan().SequenceEqual(Run(true)), $"{(columnRoutesOnly ? "column routes only" : "all routes")}, {threads} thread(s): ∂C/∂w differs");
            }
    }
}
