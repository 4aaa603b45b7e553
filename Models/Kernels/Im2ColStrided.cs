using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// im2col and col2im for strided geometries (DCGAN's 4×4 stride-2 layers), driven by tables of where each entry comes
/// from or goes to instead of row-by-row strided loops.
/// </summary>
/// <remarks>
/// With a stride the rows of <see cref="Im2Col"/>'s loops are short (7 pixels for 14×14 → 7×7) and strided, so their
/// bookkeeping costs more than the copying. Here one table per call gives, for each output position of a kernel tap,
/// the pixel it reads (−1 in the padding): unfolding is then a masked AVX2 gather over a whole image block. Folding turns
/// the scatter-add around: each pixel gathers the entries that land on it (for 4×4 stride 2, four of them), in increasing
/// row order, which is the order in which <see cref="Im2Col"/>'s fold adds them, so the bits are the same; every pixel is
/// written once, with no clearing pass and no read-modify-write.
/// Both are used per row (unfold) or per channel (fold) by <see cref="Im2Col"/>, whose thread split they keep.
/// </remarks>
internal static unsafe class Im2ColStrided
{
    // The tables live on the stack (of pool threads too): at most this many ints each, 16 KB.
    private const int MaxTable = 1 << 12;

    /// <summary>Set to false to time or test <see cref="Im2Col"/>'s row loops alone; both give the same bits.</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>Whether the tables fit: a strided geometry whose image block and taps are small enough.</summary>
    public static bool Suits(Im2ColGeometry g) =>
        Enabled && (g.StrideH > 1 || g.StrideW > 1) && g.OutPixels <= MaxTable && g.Height * g.Width < MaxTable
        && (long)g.KernelH * g.KernelW * g.OutPixels <= MaxTable;

    /// <summary>Row <paramref name="row"/> of the column matrix for every image: columns[row, n·P + q] = x[n, c, source(q)].</summary>
    public static void UnfoldRow(float* images, int batch, Im2ColGeometry g, float* columns, int row)
    {
        int kj = row % g.KernelW, ki = row / g.KernelW % g.KernelH, c = row / (g.KernelW * g.KernelH);
        int p = g.OutPixels;
        int* source = stackalloc int[p];
        Sources(g, ki, kj, source);
        float* dstRow = columns + (long)row * batch * p;
        long planeOffset = (long)c * g.Height * g.Width;
        for (int n = 0; n < batch; n++)
        {
            float* plane = images + (long)n * g.ImageLength + planeOffset;
            float* dst = dstRow + (long)n * p;
            int q = 0;
            if (Avx2.IsSupported)
            {
                var none = Vector256.Create(-1);
                for (; q + 8 <= p; q += 8)
                {
                    var at = Avx.LoadVector256(source + q);
                    // Lanes in the padding are masked off: they read nothing and keep the zero they start with.
                    var inside = Avx2.CompareGreaterThan(at, none).AsSingle();
                    Avx.Store(dst + q, Avx2.GatherMaskVector256(Vector256<float>.Zero, plane, at, inside, 4));
                }
            }
            for (; q < p; q++) dst[q] = source[q] >= 0 ? plane[source[q]] : 0f;
        }
    }

    /// <summary>Channel <paramref name="c"/> of every image: x[n, c, pixel] = Σ of the column entries that read that pixel.</summary>
    public static void FoldChannel(float* columns, int batch, Im2ColGeometry g, float* images, int c) =>
        FoldChannel(columns, batch, g, images, c, 0, batch);

    /// <summary>As <see cref="FoldChannel(float*, int, Im2ColGeometry, float*, int)"/> for images
    /// <paramref name="n0"/> … <paramref name="n1"/> − 1 of the batch only (each image's pixels are its own).</summary>
    public static void FoldChannel(float* columns, int batch, Im2ColGeometry g, float* images, int c, int n0, int n1)
    {
        int p = g.OutPixels, hw = g.Height * g.Width, taps = g.KernelH * g.KernelW;
        long rowLength = (long)batch * p;
        // CSR table: pixel i receives the entries at first[i] … first[i + 1] − 1, each an offset from the channel's
        // block of rows for image 0 (row r of the channel, position q: r·N·P + q), listed in increasing row order.
        int* first = stackalloc int[hw + 1];
        int* count = stackalloc int[hw];
        int* entries = stackalloc int[taps * p];
        int* source = stackalloc int[p];
        new Span<int>(count, hw).Clear();
        for (int r = 0; r < taps; r++)
        {
            Sources(g, r / g.KernelW, r % g.KernelW, source);
            for (int q = 0; q < p; q++) if (source[q] >= 0) count[source[q]]++;
        }
        first[0] = 0;
        for (int i = 0; i < hw; i++) first[i + 1] = first[i] + count[i];
        new Span<int>(count, hw).Clear();
        for (int r = 0; r < taps; r++)
        {
            Sources(g, r / g.KernelW, r % g.KernelW, source);
            for (int q = 0; q < p; q++)
                if (source[q] is var i and >= 0) entries[first[i] + count[i]++] = checked((int)(r * rowLength + q));
        }
        float* block = columns + (long)c * taps * rowLength;
        for (int n = n0; n < n1; n++)
        {
            float* src = block + (long)n * p;
            float* plane = images + (long)n * g.ImageLength + (long)c * hw;
            for (int i = 0; i < hw; i++)
            {
                float sum = 0f;
                for (int e = first[i]; e < first[i + 1]; e++) sum += src[entries[e]];
                plane[i] = sum;
            }
        }
    }

    /// <summary>For tap (ki, kj): the pixel (y·W + x) that each output position reads, or −1 where it falls in the padding.</summary>
    private static void Sources(Im2ColGeometry g, int ki, int kj, int* source)
    {
        int oh = g.OutHeight, ow = g.OutWidth;
        int offH = ki * g.DilationH - g.PadH, offW = kj * g.DilationW - g.PadW;
        for (int y = 0; y < oh; y++)
        {
            int iy = y * g.StrideH + offH;
            for (int x = 0; x < ow; x++)
            {
                int ix = x * g.StrideW + offW;
                source[y * ow + x] = iy >= 0 && iy < g.Height && ix >= 0 && ix < g.Width ? iy * g.Width + ix : -1;
            }
        }
    }
}
