using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>A GEMM whose A or B operand is δ stored as images [N × m × P] (<see cref="Gemm.MultiplyImagesA"/>,
/// <see cref="Gemm.MultiplyImagesB"/>) gives the bits of the GEMM on the [m × N·P] copy that
/// <see cref="ColumnLayout.FromImages"/> makes (its plain twin), at every SIMD width on one and two threads; and a
/// convolution's ∂C/∂w and ∂C/∂x on the column, implicit and chunk routes are the same bits with and without the copy.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class GemmImagesTests
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
        { 13, 130, 49, 30, false },   // on two threads, column pieces: A packed whole from the images
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
                    var expected = (float[])start.Clone();
                    var actual = (float[])start.Clone();
                    // Threshold 1: the team takes even the small shapes.
                    using (new KernelSettingsScope(threads: threads, parallelThreshold: 1))
                    {
                        Gemm.Multiply(false, transB, m, n, k, delta, k, b, ldb, expected, n, accumulate: true);
                        Gemm.MultiplyImagesA(m, n, k, dy, plane, transB, b, ldb, actual, n, accumulate: true);
                    }
                    Assert.True(expected.AsSpan().SequenceEqual(actual), $"{width}, {threads} thread(s): the products differ");
                }
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Packing_b_from_images_gives_the_bits_of_the_gathered_copy(int k, int m, int plane, int images, bool transA)
    {
        // B [k × N·P] is δ of k channels; here m is the product's rows (wᵀ's, for ∂C/∂x).
        var rng = new Random(k * 13 + m + plane + images);
        int n = plane * images;
        var dy = GradientCheck.Random(rng, images * k * plane).Data;
        var a = GradientCheck.Random(rng, m * k).Data;
        int lda = transA ? m : k;
        var delta = new float[k * n];
        ColumnLayout.FromImages(dy, images, k, plane, delta);
        foreach (var width in SimdWidth.AvailablePaths)
            using (SimdWidth.Use(width))
                foreach (int threads in new[] { 1, 2 })
                    foreach (bool team in new[] { true, false })
                    {
                        var expected = Enumerable.Repeat(float.NaN, m * n).ToArray(); // every output written
                        var actual = Enumerable.Repeat(float.NaN, m * n).ToArray();
                        using (new KernelSettingsScope(threads: threads, parallelThreshold: 1))
                        {
                            Gemm.Multiply(transA, false, m, n, k, a, lda, delta, n, expected, n);
                            Gemm.MultiplyImagesB(transA, m, n, k, a, lda, dy, plane, actual, n, mayUseTeam: team);
                        }
                        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{width}, {threads} thread(s), team {team}: the products differ");
                    }
    }

    [Fact]
    public void Images_that_do_not_fill_the_operand_are_an_error_that_names_it()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyImagesA(4, 2, 10, new float[39], 5, false, new float[20], 2, new float[8], 2));
        Assert.Contains("GEMM operand A [4×10] as images of 5 pixels", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyImagesA(4, 2, 10, new float[40], 3, false, new float[20], 2, new float[8], 2));
        Assert.Contains("multiple of the plane", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyImagesB(false, 2, 10, 4, new float[8], 4, new float[39], 5, new float[20], 10));
        Assert.Contains("GEMM operand B [4×10] as images of 5 pixels", e.Message);
    }

    public static TheoryData<int[]> Convolutions => new()
    {
        // C, H, W, kH, kW, stride, pad, out channels, batch
        { [1, 28, 28, 4, 4, 2, 1, 64, 4] },     // DCGAN D's 1→64: the column route (images as A, and as B for ∂C/∂x)
        { [64, 14, 14, 4, 4, 2, 1, 128, 3] },   // DCGAN D's 64→128: the implicit GEMM (gathered B, A from images), ∂C/∂x on chunks
        { [3, 9, 7, 3, 3, 1, 1, 40, 3] },       // stride 1 with columns left by the forward pass
    };

    [Theory, MemberData(nameof(Convolutions))]
    public void A_convolution_has_the_same_bits_with_and_without_the_copy_of_delta(int[] a)
    {
        var g = new Im2ColGeometry(a[0], a[1], a[2], a[3], a[4], a[5], a[5], a[6], a[6]);
        var s = new ConvolutionGeometry(a[8], a[7], g);
        var problem = ConvolutionProblem.Random(s, new Random(a.Sum()));
        foreach (bool columnRoutesOnly in new[] { false, true })
            foreach (int threads in new[] { 1, 2 })
            {
                (float[] Dw, float[] Dx, float[] ChunkDw, float[] ChunkDx) Run(bool packs)
                {
                    using var settings = new KernelSettingsScope(threads: threads);
                    bool was = Convolution.PacksDeltaFromImages;
                    try
                    {
                        Convolution.PacksDeltaFromImages = packs;
                        var convolution = new Convolution(columnRoutesOnly);
                        convolution.Forward(s, problem.X, problem.W, problem.B, new float[s.OutputLength]);
                        var dw = (float[])problem.Start.Clone();
                        convolution.WeightGradient(s, problem.X, problem.Dy, dw); // after the forward pass
                        convolution.WeightGradient(s, problem.X, problem.Dy, dw); // alone
                        var dx = Enumerable.Repeat(float.NaN, (int)s.InputLength).ToArray();
                        convolution.InputGradient(s, problem.Dy, problem.W, dx);
                        // The chunk route directly, two images a chunk (the chunks share the threads).
                        var chunkDw = (float[])problem.Start.Clone();
                        Im2ColChunks.AccumulateWeightGradient(problem.X, problem.Dy, s.Batch, g, s.OutChannels, chunkDw,
                            new float[Im2ColChunks.WorkspaceLength(g, s.OutChannels, s.Batch, 2)], imagesPerChunk: 2);
                        var chunkDx = Enumerable.Repeat(float.NaN, (int)s.InputLength).ToArray();
                        Im2ColChunks.InputGradient(problem.Dy, s.Batch, g, problem.W, s.OutChannels, chunkDx, imagesPerChunk: 2);
                        return (dw, dx, chunkDw, chunkDx);
                    }
                    finally { Convolution.PacksDeltaFromImages = was; }
                }
                var (copied, packed) = (Run(false), Run(true));
                string where = $"{(columnRoutesOnly ? "column routes only" : "all routes")}, {threads} thread(s)";
                Assert.True(copied.Dw.AsSpan().SequenceEqual(packed.Dw), $"{where}: ∂C/∂w differs");
                Assert.True(copied.Dx.AsSpan().SequenceEqual(packed.Dx), $"{where}: ∂C/∂x differs");
                Assert.True(copied.ChunkDw.AsSpan().SequenceEqual(packed.ChunkDw), $"{where}: the chunks' ∂C/∂w differs");
                Assert.True(copied.ChunkDx.AsSpan().SequenceEqual(packed.ChunkDx), $"{where}: the chunks' ∂C/∂x differs");
            }
    }
}
