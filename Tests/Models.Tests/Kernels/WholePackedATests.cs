using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>op(A) packed whole once (<see cref="Gemm.PackWhole"/>) and read by the products that share it
/// (<see cref="Im2ColChunks.PacksWeightsOnce"/>) gives the bits of packing it in every product, at every SIMD width on one
/// and two threads.</summary>
[Collection(nameof(GemmThreadsCollection))]
public unsafe class WholePackedATests
{
    public static TheoryData<int, int, int, bool> Products => new()
    {
        { 128, 392, 1024, false },  // DCGAN's 64→128 forward, one chunk of 8 images: 4 k steps
        { 1024, 392, 128, true },   // its ∂C/∂x, wᵀ·δ: 1024 rows, 8 row blocks of 144 minus a cut one
        { 37, 45, 700, false },     // rows not a multiple of 6 or 12, k in 3 steps of 234 minus 2
        { 13, 17, 5, true },        // one short step; 13 rows: a 12-row pair and a sliver of one
    };

    [Theory, MemberData(nameof(Products))]
    public void A_product_on_a_whole_packed_a_has_the_bits_of_packing_it_in_the_product(int m, int n, int k, bool transA)
    {
        var rng = new Random(m + n + k);
        var a = GradientCheck.Random(rng, m * k).Data;
        var b = GradientCheck.Random(rng, k * n).Data;
        int lda = transA ? m : k;
        foreach (var width in SimdWidth.AvailablePaths)
            using (SimdWidth.Use(width))
            {
                var expected = new float[m * n];
                Gemm.MultiplyAlone(transA, false, m, n, k, a, lda, b, n, expected, n);
                var packed = new float[Gemm.PackedWholeLength(m, k)];
                fixed (float* pa = a, pp = packed)
                {
                    Gemm.PackWhole(transA, m, k, pa, lda, pp);
                    var actual = Enumerable.Repeat(float.NaN, m * n).ToArray(); // every element written
                    Gemm.MultiplyAlonePacked(transA, false, m, n, k, a, lda, pp, b, n, actual, n);
                    Assert.True(expected.AsSpan().SequenceEqual(actual), $"{width}: bits differ");
                }
            }
    }

    /// <summary>Found by the kernel fuzz (<c>KernelFuzzTests</c>): with full six-row slivers and a last k step a multiple of
    /// eight, the last 8-wide transpose of the last sliver stored two floats past <see cref="Gemm.PackedWholeLength"/>, and
    /// <see cref="Im2ColChunks"/> packs its weights into an array of exactly that length (a layer of 96 output channels
    /// over 1,024 taps wrote past the array's end into the managed heap).</summary>
    [Theory]
    [InlineData(12, 48)]     // one k step, two slivers
    [InlineData(96, 1024)]   // 96 output channels over 1,024 taps: four k steps
    [InlineData(6, 8)]       // one sliver, one transpose
    public void Packing_full_slivers_writes_nothing_past_the_packed_length(int m, int k)
    {
        var a = GradientCheck.Random(new Random(m + k), m * k).Data;
        foreach (var width in SimdWidth.AvailablePaths)
            using (SimdWidth.Use(width))
            {
                int length = Gemm.PackedWholeLength(m, k);
                var packed = Enumerable.Repeat(-7f, length + 16).ToArray();
                fixed (float* pa = a, pp = packed) Gemm.PackWhole(false, m, k, pa, k, pp);
                for (int i = length; i < packed.Length; i++)
                    Assert.True(packed[i] == -7f, $"{width}: wrote {packed[i]} {i - length + 1} floats past the {length} it asked for");
            }
    }

    public static TheoryData<int[]> Convolutions => new()
    {
        // C, H, W, kH, kW, stride, pad, out channels, batch
        { [64, 14, 14, 4, 4, 2, 1, 128, 64] },  // DCGAN's 64→128 layer at batch 64: 8 chunks of 8
        { [64, 14, 14, 4, 4, 2, 1, 128, 43] },  // 6 chunks, the last of 3 images
        { [41, 13, 11, 4, 4, 2, 1, 13, 110] },  // odd sizes: 656 taps, 13 output channels
    };

    [Theory, MemberData(nameof(Convolutions))]
    public void The_chunks_give_the_same_bits_with_the_weights_packed_once_or_in_every_chunk(int[] a)
    {
        var g = new Im2ColGeometry(a[0], a[1], a[2], a[3], a[4], a[5], a[5], a[6], a[6]);
        int outChannels = a[7], batch = a[8];
        var s = new ConvolutionGeometry(batch, outChannels, g);
        Assert.True(Im2ColChunks.Suits(g, batch, noDirectKernel: true));
        var problem = ConvolutionProblem.Random(s, new Random(a.Sum()));
        foreach (var width in SimdWidth.AvailablePaths)
            using (SimdWidth.Use(width))
                foreach (int threads in new[] { 1, 2 })
                {
                    using (new KernelSettingsScope(threads: threads, loopThreads: threads))
                    {
                        var (y0, dx0) = Run(s, problem, packOnce: false);
                        var (y1, dx1) = Run(s, problem, packOnce: true);
                        Assert.True(y0.AsSpan().SequenceEqual(y1), $"{width}, {threads} thread(s): forward bits differ");
                        Assert.True(dx0.AsSpan().SequenceEqual(dx1), $"{width}, {threads} thread(s): ∂C/∂x bits differ");
                        for (int i = 0; i < y1.Length; i++)
                            Assert.True(Math.Abs(problem.Y[i] - y1[i]) <= 1e-4f * (1 + Math.Abs(problem.Y[i])), $"y[{i}]");
                        for (int i = 0; i < dx1.Length; i++)
                            Assert.True(Math.Abs(problem.Dx[i] - dx1[i]) <= 1e-4f * (1 + Math.Abs(problem.Dx[i])), $"∂C/∂x[{i}]");
                    }
                }
    }

    private static (float[] Y, float[] Dx) Run(in ConvolutionGeometry s, ConvolutionProblem problem, bool packOnce)
    {
        Im2ColChunks.PacksWeightsOnce = packOnce;
        try
        {
            var y = Enumerable.Repeat(float.NaN, problem.Y.Length).ToArray();
            Im2ColChunks.Forward(problem.X, s.Batch, s.Window, problem.W, s.OutChannels, problem.B, y);
            var dx = Enumerable.Repeat(float.NaN, problem.Dx.Length).ToArray();
            Im2ColChunks.InputGradient(problem.Dy, s.Batch, s.Window, problem.W, s.OutChannels, dx);
            return (y, dx);
        }
        finally { Im2ColChunks.PacksWeightsOnce = true; }
    }
}
