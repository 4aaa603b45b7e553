using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The B side of <see cref="GemmPacking"/>: a stored B (k×n), δ read as images, and a B stored n×k, each into
/// column panels of NR columns (<c>[p*NR + j]</c>), padded with zeros past the edge.</summary>
internal static unsafe partial class GemmPacking
{
    /// <summary>Packs rows <paramref name="pFrom"/>..<paramref name="pTo"/> of op(B)[p0..p0+kc, j0..j0+nc] (all panels).</summary>
    /// <remarks>For B stored k×n: each thread takes a range of k rows, and packs them <see cref="GroupRows"/> at a time
    /// panel by panel. The other order (each row of B read whole, its 16-float pieces stored one panel apart, kc·64
    /// bytes) stored into a new cache line of a different page every 16 floats, and cost as much as multiplying by 40
    /// rows of A: with m = 64 the product ran about 1.35× faster this way (docs/BENCHMARKS.md, "GEMM: B packed
    /// sixteen rows at a time").</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackBRows(float* b, int ldb, int p0, int j0, int nc, int kc, int pFrom, int pTo, float* dst)
    {
        if (!PanelOrder) { PackBRowsAcross(b, ldb, p0, j0, nc, kc, pFrom, pTo, dst); return; }
        int full = nc / NR, rest = nc - full * NR;
        bool wide = SimdWidth.Current == SimdPath.Vector512;   // one panel row is one Vector512: one load, one store
        for (int g0 = pFrom; g0 < pTo; g0 += GroupRows)
        {
            int g1 = Math.Min(pTo, g0 + GroupRows);
            for (int q = 0; q < full; q++)
            {
                float* src = b + (nint)(p0 + g0) * ldb + j0 + q * NR;
                float* d = dst + (nint)q * kc * NR + g0 * NR;
                if (wide)
                    for (int p = g0; p < g1; p++, src += ldb, d += NR)
                        Vector512.Store(Vector512.Load(src), d);
                else
                    for (int p = g0; p < g1; p++, src += ldb, d += NR)
                    {
                        Vector256.Store(Vector256.Load(src), d);
                        Vector256.Store(Vector256.Load(src + 8), d + 8);
                    }
            }
        }
        if (rest > 0)
        {
            float* src = b + (nint)(p0 + pFrom) * ldb + j0 + full * NR;
            float* d = dst + (nint)full * kc * NR + pFrom * NR;
            for (int p = pFrom; p < pTo; p++, src += ldb, d += NR)
                for (int j = 0; j < NR; j++) d[j] = j < rest ? src[j] : 0f;
        }
    }

    /// <summary>Whether B is packed in groups of rows, panel by panel (true), or each row across all panels as before
    /// (false): for A/B timing (<c>race sgemm-rows --ab panel-order</c>, <c>--ab panel-order</c> of the step races); the same floats land
    /// in the same places, so the products keep their bits.</summary>
    internal static bool PanelOrder { get; set; } = true;

    /// <summary>Rows of B packed together, panel by panel: few enough read streams for the prefetcher to follow (all of
    /// a k step's 144 rows, on 16-channel planes of 50,176 floats a row, were 0.76× the row-across order), and each
    /// panel's part written as one run of 1 KiB. 4, 8, 16, 32 and all rows measured on one thread: 16 was best or within
    /// 3 % of the best on every shape.</summary>
    private const int GroupRows = 16;

    /// <summary>The row-across order of <see cref="PackBRows"/>, kept for <see cref="PanelOrder"/>'s A/B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackBRowsAcross(float* b, int ldb, int p0, int j0, int nc, int kc, int pFrom, int pTo, float* dst)
    {
        int full = nc / NR, rest = nc - full * NR;
        bool wide = SimdWidth.Current == SimdPath.Vector512;
        for (int p = pFrom; p < pTo; p++)
        {
            float* src = b + (nint)(p0 + p) * ldb + j0;
            float* d = dst + p * NR;
            if (wide)
                for (int q = 0; q < full; q++, src += NR, d += (nint)kc * NR)
                    Vector512.Store(Vector512.Load(src), d);
            else
                for (int q = 0; q < full; q++, src += NR, d += (nint)kc * NR)
                {
                    Vector256.Store(Vector256.Load(src), d);
                    Vector256.Store(Vector256.Load(src + 8), d + 8);
                }
            if (rest > 0)
                for (int j = 0; j < NR; j++) d[j] = j < rest ? src[j] : 0f;
        }
    }

    /// <summary>Packs rows <paramref name="pFrom"/>..<paramref name="pTo"/> of B[p0..p0+kc, j0..j0+nc] where B [k × N·P] is
    /// stored as images [N × k × P] (NCHW, P = <paramref name="plane"/> pixels, <paramref name="imageStride"/> = k·P):
    /// B[p, q] = b[(q / P)·k·P + p·P + q % P]. The same panels as <see cref="PackBRows"/> on the gathered matrix.</summary>
    /// <remarks>Why: ∂C/∂x = wᵀ·δ (and a transposed layer's forward product) on the column and chunk routes first copied
    /// δ from NCHW to [O × N·P] only for this packer to read it again. In groups of rows, panel by panel, as
    /// <see cref="PackBRows"/>: a panel's 16 columns are cut into runs where an image ends, and each run is copied down
    /// the group's rows. A copy either way, so the bits are the same.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackBRowsImages(float* b, int plane, long imageStride, int p0, int j0, int nc, int kc, int pFrom, int pTo, float* dst)
    {
        if (!PanelOrder) { PackBRowsImagesAcross(b, plane, imageStride, p0, j0, nc, kc, pFrom, pTo, dst); return; }
        bool wide = SimdWidth.Current == SimdPath.Vector512;
        for (int g0 = pFrom; g0 < pTo; g0 += GroupRows)
        {
            int g1 = Math.Min(pTo, g0 + GroupRows);
            for (int j = 0; j < nc; j += NR)
            {
                float* panel = dst + (nint)(j / NR) * kc * NR + g0 * NR;
                int width = Math.Min(NR, nc - j);
                for (int at = 0; at < width;)
                {
                    int q = j0 + j + at, image = q / plane, pixel = q - image * plane;
                    int run = Math.Min(width - at, plane - pixel);
                    float* src = b + image * imageStride + (nint)(p0 + g0) * plane + pixel;
                    float* d = panel + at;
                    if (run == NR && wide)
                        for (int p = g0; p < g1; p++, src += plane, d += NR) Vector512.Store(Vector512.Load(src), d);
                    else
                        for (int p = g0; p < g1; p++, src += plane, d += NR) ShortRows.Copy(src, d, run);
                    at += run;
                }
                if (width < NR)
                    for (int p = g0; p < g1; p++)
                        for (int r = width; r < NR; r++) panel[(p - g0) * NR + r] = 0f;
            }
        }
    }

    /// <summary>The row-across order of <see cref="PackBRowsImages"/>, kept for <see cref="PanelOrder"/>'s A/B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackBRowsImagesAcross(float* b, int plane, long imageStride, int p0, int j0, int nc, int kc, int pFrom, int pTo, float* dst)
    {
        bool wide = SimdWidth.Current == SimdPath.Vector512;
        int rest = nc % NR;
        for (int p = pFrom; p < pTo; p++)
        {
            float* row = b + (nint)(p0 + p) * plane;
            for (int j = 0; j < nc;)
            {
                int q = j0 + j, image = q / plane, pixel = q - image * plane, at = j % NR;
                int run = Math.Min(Math.Min(nc - j, plane - pixel), NR - at);
                float* src = row + image * imageStride + pixel;
                float* d = dst + (nint)(j / NR) * kc * NR + p * NR + at;
                if (run == NR && wide) Vector512.Store(Vector512.Load(src), d);
                else for (int r = 0; r < run; r++) d[r] = src[r];
                j += run;
            }
            if (rest > 0)
            {
                float* d = dst + (nint)(nc / NR) * kc * NR + p * NR;
                for (int r = rest; r < NR; r++) d[r] = 0f;
            }
        }
    }

    /// <summary>Packs column panels <paramref name="qFrom"/>..<paramref name="qTo"/> of op(B)[p0..p0+kc, j0..j0+nc], B stored n×k.</summary>
    /// <remarks>op(B)[p, j] = b[j*ldb + p]: each stored row (one output column) is read along k and scattered with stride NR.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackBColumns(float* b, int ldb, int p0, int j0, int nc, int kc, int qFrom, int qTo, float* dst)
    {
        for (int q = qFrom; q < qTo; q++)
        {
            float* panel = dst + (nint)q * kc * NR;
            int nr = Math.Min(NR, nc - q * NR);
            int pv = 0;
            if (nr == NR && Avx.IsSupported && SimdWidth.Current != SimdPath.Scalar)
            {
                float* src = b + (nint)(j0 + q * NR) * ldb + p0;
                if (WideTranspose && SimdWidth.Current == SimdPath.Vector512 && Avx512F.IsSupported)
                    for (; pv + NR <= kc; pv += NR) GemmTranspose.Transpose16x16(src + pv, ldb, panel + pv * NR, NR);
                for (; pv + 8 <= kc; pv += 8)
                {
                    PackB8x8(src + pv, ldb, panel + pv * NR);
                    PackB8x8(src + pv + 8 * (nint)ldb, ldb, panel + pv * NR + 8);
                }
            }
            for (int j = 0; j < NR; j++)
            {
                float* d = panel + j;
                if (j < nr)
                {
                    float* src = b + (nint)(j0 + q * NR + j) * ldb + p0;
                    for (int p = pv; p < kc; p++) d[p * NR] = src[p];
                }
                else
                    for (int p = pv; p < kc; p++) d[p * NR] = 0f;
            }
        }
    }

    /// <summary>Whether a panel of a B stored n×k is packed sixteen values of k at a time through a 512-bit 16×16
    /// transpose (true) or eight at a time through two 256-bit 8×8 ones: for A/B timing (<c>race sgemm-rows --ab
    /// wide-transpose</c>); the same floats land in the same places.</summary>
    internal static bool WideTranspose { get; set; } = true;

    /// <summary>Eight stored rows of Bᵀ (8 output columns) × 8 values of k → 8 rows of 8 in the panel (stride NR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB8x8(float* src, int ldb, float* dst) => GemmTranspose.Transpose8x8(src, ldb, dst, NR);
}
