using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// col2im of a 1×1 kernel without padding (a ResNet's strided shortcut): every pixel receives at most one entry, so the
/// fold is a copy of each output row into every stride-th pixel of an image row, zeros elsewhere. The plain twin is
/// <see cref="Im2ColReference.Fold"/>; the routes that add entries from zero write the same floats.
/// </summary>
/// <remarks>
/// Why: through <see cref="PhaseFold"/> such a layer cleared stride² phase planes, added into one and dealt them back:
/// ResNet-8's 16→32 shortcut (28×28, stride 2, batch 64) folded 3.2 MB in 0.41–0.49 ms on two threads, about twice
/// what writing the image costs. Here each image row is written once: at stride 1 a vector copy, at stride 2 a vector
/// of eight entries interleaved with zeros into sixteen pixels, other strides pixel by pixel. Each entry is added to
/// zero, as the adding routes do (so −0 becomes +0): the same bits.
/// </remarks>
internal static unsafe class PointFold
{
    /// <summary>A 1×1 kernel, no padding (so every entry lands inside the image).</summary>
    public static bool Suits(Im2ColGeometry g) =>
        Enabled && g.KernelH == 1 && g.KernelW == 1 && g.PadH == 0 && g.PadW == 0;

    /// <summary>False sends these geometries through <see cref="PhaseFold"/> again (A/B timing; the same floats).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>Folds channels [<paramref name="c0"/>, <paramref name="c1"/>) of images [<paramref name="n0"/>,
    /// <paramref name="n1"/>) of <paramref name="columns"/> [C × N·OH·OW] into <paramref name="images"/> [N × C × H × W].</summary>
    public static void Fold(float* columns, int batch, Im2ColGeometry g, float* images, int c0, int c1, int n0, int n1)
    {
        long rowLength = (long)batch * g.OutPixels;
        for (int n = n0; n < n1; n++)
            for (int c = c0; c < c1; c++)
                Plane(columns + c * rowLength + (long)n * g.OutPixels, g, images + ((long)n * g.Channels + c) * g.Height * g.Width);
    }

    /// <summary>One channel of one image: <paramref name="plane"/> [H × W] from its OH × OW entries at
    /// <paramref name="entries"/> (row-major), every pixel written (also by <see cref="PointwiseConv"/>'s ∂C/∂x).</summary>
    public static void Plane(float* entries, Im2ColGeometry g, float* plane)
    {
        int sh = g.StrideH, sw = g.StrideW, oh = g.OutHeight, ow = g.OutWidth, h = g.Height, w = g.Width;
        var width = SimdWidth.Current;
        bool vectors = Avx2.IsSupported && width != SimdPath.Scalar, wide = width == SimdPath.Vector512 && Avx512F.IsSupported;
        float* dst = plane;
        for (int y = 0; y < h; y++, dst += w)
        {
            int oy = y / sh;
            if (y - oy * sh != 0 || oy >= oh)
            {
                new Span<float>(dst, w).Clear();
                continue;
            }
            float* row = entries + (long)oy * ow;
            int x = 0, ox = 0;
            if (wide && sw == 2)
                // Sixteen entries (masked past the row) into 32 pixels, stored masked past the image row: rows of 7 or 14
                // entries (ResNet-8's shortcuts) fill no 256-bit step.
                for (; ox < ow; ox += 16, x += 32)
                {
                    int count = Math.Min(16, ow - ox);
                    var v = (count == 16 ? Vector512.Load(row + ox) : Avx512F.MaskLoad(row + ox, MaskedLanes.First(count), Vector512<float>.Zero)) + Vector512<float>.Zero;
                    MaskedLanes.Store(dst + x, Avx512F.PermuteVar16x32x2(v, s_low, Vector512<float>.Zero), w - x);
                    MaskedLanes.Store(dst + x + 16, Avx512F.PermuteVar16x32x2(v, s_high, Vector512<float>.Zero), w - x - 16);
                }
            else if (vectors && sw == 1)
                for (; x + 8 <= ow; x += 8) Vector256.Store(Vector256.Load(row + x) + Vector256<float>.Zero, dst + x);
            else if (vectors && sw == 2)
                for (; ox + 8 <= ow && 2 * ox + 16 <= w; ox += 8, x += 16)
                {
                    var v = Vector256.Load(row + ox) + Vector256<float>.Zero;
                    var lo = Avx.UnpackLow(v, Vector256<float>.Zero);    // v0 0 v1 0 | v4 0 v5 0
                    var hi = Avx.UnpackHigh(v, Vector256<float>.Zero);   // v2 0 v3 0 | v6 0 v7 0
                    Vector256.Store(Avx.Permute2x128(lo, hi, 0x20), dst + x);
                    Vector256.Store(Avx.Permute2x128(lo, hi, 0x31), dst + x + 8);
                }
            for (; x < w; x++)
            {
                int q = x / sw;
                dst[x] = x - q * sw == 0 && q < ow ? row[q] + 0f : 0f;
            }
        }
    }

    // Entry i then a zero (lane 16: the second table, all zeros), for entries 0..7 and 8..15.
    private static readonly Vector512<int> s_low = Vector512.Create(0, 16, 1, 16, 2, 16, 3, 16, 4, 16, 5, 16, 6, 16, 7, 16);
    private static readonly Vector512<int> s_high = Vector512.Create(8, 16, 9, 16, 10, 16, 11, 16, 12, 16, 13, 16, 14, 16, 15, 16);
}
