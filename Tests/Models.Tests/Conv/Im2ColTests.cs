using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Conv;

// In the collection that runs alone: a test here sets KernelLoop.MaxThreads and the fold's route switches.
[Collection(nameof(Kernels.GemmThreadsCollection))]
public class Im2ColTests
{
    public static TheoryData<int[]> Geometries => new()
    {
        // C, H, W, kH, kW, sH, sW, pH, pW, dH, dW
        { [1, 5, 5, 3, 3, 1, 1, 0, 0, 1, 1] },
        { [2, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1] },
        { [3, 9, 8, 3, 3, 2, 2, 1, 1, 2, 2] },
        { [2, 6, 11, 2, 3, 2, 1, 1, 0, 1, 2] },
        { [4, 5, 5, 1, 1, 1, 1, 0, 0, 1, 1] },
        { [1, 4, 4, 5, 5, 1, 1, 2, 2, 1, 1] },
        { [16, 28, 28, 5, 5, 1, 1, 2, 2, 1, 1] }, // large enough to take the parallel path
        { [8, 14, 14, 4, 4, 2, 2, 1, 1, 1, 1] },  // DCGAN's 4×4 stride-2 layers, through the strided tables
        { [3, 13, 10, 3, 4, 3, 2, 2, 1, 2, 1] },  // uneven strides, dilation and padding through the tables
        { [40, 14, 14, 4, 4, 2, 2, 1, 1, 1, 1] }, // the tables on the parallel path
        { [2, 7, 13, 3, 3, 2, 2, 1, 1, 1, 1] },   // stride 2 across an odd width: the rows split and woven with a short tail
        { [2, 9, 37, 4, 4, 2, 2, 1, 1, 1, 1] },   // rows of two whole vectors' worth of pixels and a tail
    };

    /// <summary>The whole batch's fold, shared out by channel (and each channel's batch cut into parts when there are
    /// fewer channels than threads: DCGAN's one-channel 28×28 image layer), on every route it has: the phase planes
    /// (<see cref="PhaseFold.Widened"/>, stride 1 included), the strided tables and the plain loop. Each gives the
    /// definition's bits on one thread and on two, every pixel written.</summary>
    [Theory]
    [InlineData(1, 28, 4, 2, 64)]
    [InlineData(1, 28, 4, 2, 13)]
    [InlineData(24, 14, 4, 2, 5)]
    [InlineData(40, 8, 4, 1, 6)]    // PatchGAN's stride-1 8×8 → 7×7 layer's shape, fewer channels
    [InlineData(1, 9, 3, 1, 11)]    // stride 1, one channel: the parts
    public void The_whole_batch_fold_keeps_the_definitions_bits_on_every_route_and_thread_count(int channels, int size, int k, int stride, int batch)
    {
        var g = new Im2ColGeometry(channels, size, size, k, k, stride, stride, 1, 1);
        var rng = new Random(batch);
        var columns = GradientCheck.Random(rng, g.Rows, batch * g.OutPixels).Data;
        var expected = new float[batch * g.ImageLength];
        Im2ColReference.Fold(columns, batch, g, expected);
        foreach (var (widened, tables) in new[] { (true, true), (false, true), (false, false) })
            foreach (int threads in new[] { 1, 2 })
            {
                bool wasWidened = PhaseFold.Widened, wasTables = Im2ColStrided.Enabled;
                using var settings = new Kernels.KernelSettingsScope(loopThreads: threads);
                try
                {
                    (PhaseFold.Widened, Im2ColStrided.Enabled) = (widened, tables);
                    var fast = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
                    Im2Col.Fold(columns, batch, g, fast);
                    Assert.True(expected.AsSpan().SequenceEqual(fast), $"widened {widened}, tables {tables}, {threads} threads");
                }
                finally { (PhaseFold.Widened, Im2ColStrided.Enabled) = (wasWidened, wasTables); }
            }
    }

    /// <summary>A 1×1 kernel without padding folds by copying (<see cref="PointFold"/>): the definition's bits, −0 made +0
    /// as the adding routes make it, every pixel written, at every width, on one thread and two, whole batch and serial,
    /// and the same floats with the fast path off (through the phase planes).</summary>
    [Theory]
    [InlineData(16, 28, 28, 2, 64)]  // ResNet-8's 16→32 shortcut
    [InlineData(3, 15, 29, 2, 5)]    // odd sizes: the last row and column are entries, a scalar tail after the vectors
    [InlineData(5, 10, 12, 3, 4)]    // stride 3
    [InlineData(4, 6, 7, 1, 3)]      // stride 1: a copy, pixel by pixel
    [InlineData(3, 5, 21, 1, 2)]     // stride 1 by vectors of eight and a tail
    [InlineData(2, 9, 40, 2, 7)]     // two vectors of entries a row
    public void A_one_by_one_fold_copies_the_definitions_bits(int channels, int h, int w, int stride, int batch)
    {
        var g = new Im2ColGeometry(channels, h, w, 1, 1, stride, stride);
        var rng = new Random(h * w + stride);
        var columns = GradientCheck.Random(rng, g.Rows, batch * g.OutPixels).Data;
        for (int i = 0; i < columns.Length; i += 7) columns[i] = -0f;
        var expected = new float[batch * g.ImageLength];
        Im2ColReference.Fold(columns, batch, g, expected);
        Assert.True(PointFold.Suits(g));
        foreach (var width in SimdWidth.AvailablePaths)
            foreach (bool point in new[] { true, false })
                foreach (int threads in new[] { 1, 2 })
                {
                    using var simd = SimdWidth.Use(width);
                    using var settings = new Kernels.KernelSettingsScope(loopThreads: threads);
                    bool was = PointFold.Enabled;
                    try
                    {
                        PointFold.Enabled = point;
                        var whole = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
                        Im2Col.Fold(columns, batch, g, whole);
                        var serial = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
                        unsafe
                        {
                            fixed (float* pc = columns, pi = serial) Im2Col.FoldSerial(pc, batch, g, pi);
                        }
                        for (int i = 0; i < expected.Length; i++)
                        {
                            int e = BitConverter.SingleToInt32Bits(expected[i]);
                            Assert.True(e == BitConverter.SingleToInt32Bits(whole[i]) && e == BitConverter.SingleToInt32Bits(serial[i]),
                                $"{width}, fast path {point}, {threads} thread(s): pixel {i} is {whole[i]} / {serial[i]}, the definition gives {expected[i]}");
                        }
                    }
                    finally { PointFold.Enabled = was; }
                }
    }

    [Theory, MemberData(nameof(Geometries))]
    public void Unfold_and_fold_match_their_reference(int[] a)
    {
        var g = new Im2ColGeometry(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
        int c = a[0], h = a[1], w = a[2];
        int batch = 3;
        var rng = new Random(5);
        var images = GradientCheck.Random(rng, batch, c, h, w).Data;
        var fast = new float[g.Rows * batch * g.OutPixels];
        var slow = new float[fast.Length];
        Array.Fill(fast, float.NaN); // every entry must be written, padding included
        Im2Col.Unfold(images, batch, g, fast);
        Im2ColReference.Unfold(images, batch, g, slow);
        Assert.Equal(slow, fast);

        var columns = GradientCheck.Random(rng, g.Rows, batch * g.OutPixels).Data;
        var foldFast = Enumerable.Repeat(float.NaN, images.Length).ToArray();
        var foldSlow = new float[images.Length];
        Im2Col.Fold(columns, batch, g, foldFast);
        Im2ColReference.Fold(columns, batch, g, foldSlow);
        for (int i = 0; i < foldSlow.Length; i++) Assert.Equal(foldSlow[i], foldFast[i], 5);
    }

    [Theory]
    [InlineData(8, 14, 14, 4, 2, 1)]
    [InlineData(64, 14, 14, 4, 2, 1)]
    [InlineData(3, 28, 28, 4, 2, 1)]
    public void The_strided_tables_give_the_row_loops_bits(int c, int h, int w, int k, int stride, int pad)
    {
        var g = new Im2ColGeometry(c, h, w, k, k, stride, stride, pad, pad);
        const int batch = 5;
        var rng = new Random(c + h);
        var images = GradientCheck.Random(rng, batch, c, h, w).Data;
        var columns = GradientCheck.Random(rng, g.Rows, batch * g.OutPixels).Data;
        (float[] Unfolded, float[] Folded) Run(bool tables)
        {
            bool was = Im2ColStrided.Enabled;
            try
            {
                Im2ColStrided.Enabled = tables;
                var u = new float[columns.Length]; var f = Enumerable.Repeat(float.NaN, images.Length).ToArray();
                Im2Col.Unfold(images, batch, g, u);
                Im2Col.Fold(columns, batch, g, f);
                return (u, f);
            }
            finally { Im2ColStrided.Enabled = was; }
        }
        var (u0, f0) = Run(false);
        var (u1, f1) = Run(true);
        Assert.Equal(u0, u1);
        Assert.Equal(f0, f1);
    }

    [Fact]
    public void Fold_is_the_adjoint_of_unfold()
    {
        // ⟨unfold(x), c⟩ = ⟨x, fold(c)⟩ is what makes col2im the right backward for im2col.
        var g = new Im2ColGeometry(2, 7, 5, 3, 2, 2, 1, 1, 1, 2, 1);
        var rng = new Random(9);
        var x = GradientCheck.Random(rng, 2, 2, 7, 5).Data;
        var c = GradientCheck.Random(rng, g.Rows, 2 * g.OutPixels).Data;
        var ux = new float[c.Length]; var fc = new float[x.Length];
        Im2Col.Unfold(x, 2, g, ux);
        Im2Col.Fold(c, 2, g, fc);
        double left = 0, right = 0;
        for (int i = 0; i < c.Length; i++) left += (double)ux[i] * c[i];
        for (int i = 0; i < x.Length; i++) right += (double)x[i] * fc[i];
        Assert.Equal(left, right, 4);
    }

    [Fact]
    public void Short_buffers_are_an_error_naming_the_sizes()
    {
        var g = new Im2ColGeometry(1, 4, 4, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => Im2Col.Unfold(new float[16], 1, g, new float[10]));
        Assert.Contains("36", e.Message);
    }
}
