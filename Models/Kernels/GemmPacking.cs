using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>Copies blocks of op(A) and op(B) into the panel layouts the micro-kernel streams through.</summary>
/// <remarks>
/// Packed A: row panels of MR rows; inside a panel, for each k the MR values of that column (<c>[p*MR + r]</c>).
/// Packed B: column panels of NR columns; inside a panel, for each k the NR values of that row (<c>[p*NR + j]</c>).
/// Panels cut by the edge of the matrix are padded with zeros, so the micro-kernel always runs full tiles.
/// Every source is read along its rows (contiguous memory); the scatter goes into the small, cache-resident target.
/// </remarks>
internal static unsafe class GemmPacking
{
    private const int MR = GemmBlocking.MR, NR = GemmBlocking.NR;

    /// <summary>Packs op(A)[i0..i0+mc, p0..p0+kc] into <paramref name="dst"/> (ceil(mc/MR) panels of kc×MR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transA, float* a, int lda, int i0, int p0, int mc, int kc, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            int mr = Math.Min(MR, mc - ir);
            float* panel = dst + (nint)ir * kc;
            if (transA)
            {
                // A is stored k×m: op(A)[i, p] = a[p*lda + i]; the MR values for one k are contiguous.
                float* src = a + (nint)p0 * lda + i0 + ir;
                if (mr == MR)
                    for (int p = 0; p < kc; p++, src += lda, panel += MR)
                    {
                        Vector128.Store(Vector128.Load(src), panel);
                        *(long*)(panel + 4) = *(long*)(src + 4);
                    }
                else
                    for (int p = 0; p < kc; p++, src += lda, panel += MR)
                        for (int r = 0; r < MR; r++) panel[r] = r < mr ? src[r] : 0f;
            }
            else
                PackARows(a + p0, lda, i0 + ir, mr, 0, kc, panel);
        }
    }

    /// <summary>Packs op(A)[i0..i0+mc, p0..p0+kc] where A [m × N·P] is stored as images [N × m × P] (NCHW, P =
    /// <paramref name="plane"/> pixels, <paramref name="imageStride"/> = m·P floats an image): A[i, q] =
    /// a[(q / P)·m·P + i·P + q % P]. The same panels as <see cref="PackA"/> on the gathered matrix.</summary>
    /// <remarks>Why: ∂C/∂w = δ·aᵀ on the column routes first copied δ from NCHW to [O × N·P]
    /// (<see cref="ColumnLayout.FromImages"/>, 0.4–0.8 M floats a layer in a DCGAN step) only for this packer to read it
    /// again. Inside one image the k run is a plain m×run block with leading dimension P, so the run is packed by the
    /// same row reader; a panel's k range is cut where an image ends. A copy either way, so the bits are the same.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackAImages(float* a, int plane, long imageStride, int i0, int p0, int mc, int kc, float* dst)
    {
        // Panel by panel, each in increasing k: an 8-wide transpose stores two floats past its 8×MR block, which the
        // next run of the same panel (or the next panel) then overwrites, as in PackA.
        for (int ir = 0; ir < mc; ir += MR)
            for (int p = 0; p < kc;)
            {
                int q = p0 + p, image = q / plane, pixel = q - image * plane, run = Math.Min(kc - p, plane - pixel);
                PackARows(a + image * imageStride + pixel, plane, i0 + ir, Math.Min(MR, mc - ir), p, run, dst + (nint)ir * kc);
                p += run;
            }
    }

    /// <summary>Columns <paramref name="from"/>..from+count of one A panel, from the
    /// <paramref name="mr"/> rows starting at row <paramref name="row"/> of an m×k block a (leading dimension lda) whose
    /// column 0 is the panel's column <paramref name="from"/>; rows past mr are zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackARows(float* a, int lda, int row, int mr, int from, int count, float* panel)
    {
        // Read the MR rows 8 values of k at a time and transpose in registers.
        float* at = panel + (nint)from * MR;
        int p0v = 0;
        if (mr == MR && Avx.IsSupported && SimdWidth.Current != SimdPath.Scalar)
        {
            float* s0 = a + (nint)row * lda;
            for (; p0v + 8 <= count; p0v += 8) PackA6x8(s0 + p0v, lda, at + p0v * MR);
        }
        for (int r = 0; r < MR; r++)
        {
            float* d = at + r;
            if (r < mr)
            {
                float* src = a + (nint)(row + r) * lda;
                for (int p = p0v; p < count; p++) d[p * MR] = src[p];
            }
            else
                for (int p = p0v; p < count; p++) d[p * MR] = 0f;
        }
    }

    /// <summary>Packs rows <paramref name="pFrom"/>..<paramref name="pTo"/> of op(B)[p0..p0+kc, j0..j0+nc] (all panels).</summary>
    /// <remarks>For B stored k×n: each thread takes a range of k rows, and packs them <see cref="GroupRows"/> at a time
    /// panel by panel. The other order (each row of B read whole, its 16-float pieces stored one panel apart, kc·64
    /// bytes) stored into a new cache line of a different page every 16 floats, and cost as much as multiplying by 40
    /// rows of A: with m = 64 the product ran about 1.35× faster this way (docs/BENCHMARKS.md, "GEMM: B packed by
    /// panels").</remarks>
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
                        for (int p = g0; p < g1; p++, src += plane, d += NR)
                            for (int r = 0; r < run; r++) d[r] = src[r];
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
                    for (; pv + NR <= kc; pv += NR) PackB16x16(src + pv, ldb, panel + pv * NR);
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

    /// <summary>Six rows × 8 values of k → 8 packed columns of 6. Each 8-wide store spills 2 floats into the next
    /// column's slots, which the next store overwrites; the last spills into the next panel (written later) or the
    /// buffer's slack.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA6x8(float* src, int lda, float* dst)
    {
        var r0 = Vector256.Load(src); var r1 = Vector256.Load(src + lda);
        var r2 = Vector256.Load(src + 2 * (nint)lda); var r3 = Vector256.Load(src + 3 * (nint)lda);
        var r4 = Vector256.Load(src + 4 * (nint)lda); var r5 = Vector256.Load(src + 5 * (nint)lda);
        var r6 = Vector256<float>.Zero; var r7 = Vector256<float>.Zero;
        GemmTranspose.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Vector256.Store(r0, dst); Vector256.Store(r1, dst + MR); Vector256.Store(r2, dst + 2 * MR);
        Vector256.Store(r3, dst + 3 * MR); Vector256.Store(r4, dst + 4 * MR); Vector256.Store(r5, dst + 5 * MR);
        Vector256.Store(r6, dst + 6 * MR); Vector256.Store(r7, dst + 7 * MR);
    }

    /// <summary>Whether a panel of a B stored n×k is packed sixteen values of k at a time through a 512-bit 16×16
    /// transpose (true) or eight at a time through two 256-bit 8×8 ones: for A/B timing (<c>race sgemm-rows --ab
    /// wide-transpose</c>); the same floats land in the same places.</summary>
    internal static bool WideTranspose { get; set; } = true;

    /// <summary>Sixteen stored rows of Bᵀ (the panel's 16 output columns) × 16 values of k → 16 rows of the panel: a
    /// 16×16 transpose in four rounds of in-register shuffles, each panel row one 512-bit store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB16x16(float* src, int ldb, float* dst)
    {
        // Round 1, rows in pairs: lane L of lo holds (r0[4L], r1[4L], r0[4L+1], r1[4L+1]), of hi the next two k.
        var l0 = Avx512F.UnpackLow(Vector512.Load(src), Vector512.Load(src + ldb));
        var h0 = Avx512F.UnpackHigh(Vector512.Load(src), Vector512.Load(src + ldb));
        var l1 = Avx512F.UnpackLow(Vector512.Load(src + 2 * (nint)ldb), Vector512.Load(src + 3 * (nint)ldb));
        var h1 = Avx512F.UnpackHigh(Vector512.Load(src + 2 * (nint)ldb), Vector512.Load(src + 3 * (nint)ldb));
        var l2 = Avx512F.UnpackLow(Vector512.Load(src + 4 * (nint)ldb), Vector512.Load(src + 5 * (nint)ldb));
        var h2 = Avx512F.UnpackHigh(Vector512.Load(src + 4 * (nint)ldb), Vector512.Load(src + 5 * (nint)ldb));
        var l3 = Avx512F.UnpackLow(Vector512.Load(src + 6 * (nint)ldb), Vector512.Load(src + 7 * (nint)ldb));
        var h3 = Avx512F.UnpackHigh(Vector512.Load(src + 6 * (nint)ldb), Vector512.Load(src + 7 * (nint)ldb));
        var l4 = Avx512F.UnpackLow(Vector512.Load(src + 8 * (nint)ldb), Vector512.Load(src + 9 * (nint)ldb));
        var h4 = Avx512F.UnpackHigh(Vector512.Load(src + 8 * (nint)ldb), Vector512.Load(src + 9 * (nint)ldb));
        var l5 = Avx512F.UnpackLow(Vector512.Load(src + 10 * (nint)ldb), Vector512.Load(src + 11 * (nint)ldb));
        var h5 = Avx512F.UnpackHigh(Vector512.Load(src + 10 * (nint)ldb), Vector512.Load(src + 11 * (nint)ldb));
        var l6 = Avx512F.UnpackLow(Vector512.Load(src + 12 * (nint)ldb), Vector512.Load(src + 13 * (nint)ldb));
        var h6 = Avx512F.UnpackHigh(Vector512.Load(src + 12 * (nint)ldb), Vector512.Load(src + 13 * (nint)ldb));
        var l7 = Avx512F.UnpackLow(Vector512.Load(src + 14 * (nint)ldb), Vector512.Load(src + 15 * (nint)ldb));
        var h7 = Avx512F.UnpackHigh(Vector512.Load(src + 14 * (nint)ldb), Vector512.Load(src + 15 * (nint)ldb));
        // Round 2, rows in fours: lane L of each holds rows 4g..4g+3 at one k = 4L + s.
        for (int s = 0; s < 4; s++)
        {
            var (a, b, c, d) = s switch
            {
                0 => (Quad(l0, l1, true), Quad(l2, l3, true), Quad(l4, l5, true), Quad(l6, l7, true)),
                1 => (Quad(l0, l1, false), Quad(l2, l3, false), Quad(l4, l5, false), Quad(l6, l7, false)),
                2 => (Quad(h0, h1, true), Quad(h2, h3, true), Quad(h4, h5, true), Quad(h6, h7, true)),
                _ => (Quad(h0, h1, false), Quad(h2, h3, false), Quad(h4, h5, false), Quad(h6, h7, false)),
            };
            // Rounds 3 and 4, 128-bit lanes: panel row 4L + s is lane L of a, b, c and d.
            var ab02 = Avx512F.Shuffle4x128(a, b, 0x88); var ab13 = Avx512F.Shuffle4x128(a, b, 0xDD);
            var cd02 = Avx512F.Shuffle4x128(c, d, 0x88); var cd13 = Avx512F.Shuffle4x128(c, d, 0xDD);
            Vector512.Store(Avx512F.Shuffle4x128(ab02, cd02, 0x88), dst + s * NR);
            Vector512.Store(Avx512F.Shuffle4x128(ab13, cd13, 0x88), dst + (4 + s) * NR);
            Vector512.Store(Avx512F.Shuffle4x128(ab02, cd02, 0xDD), dst + (8 + s) * NR);
            Vector512.Store(Avx512F.Shuffle4x128(ab13, cd13, 0xDD), dst + (12 + s) * NR);
        }
    }

    /// <summary>Two pair-unpacked vectors' 64-bit halves interleaved: the low (even) or high (odd) pair of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quad(Vector512<float> x, Vector512<float> y, bool low) =>
        (low ? Avx512F.UnpackLow(x.AsDouble(), y.AsDouble()) : Avx512F.UnpackHigh(x.AsDouble(), y.AsDouble())).AsSingle();

    /// <summary>Eight stored rows of Bᵀ (8 output columns) × 8 values of k → 8 rows of 8 in the panel (stride NR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB8x8(float* src, int ldb, float* dst)
    {
        var r0 = Vector256.Load(src); var r1 = Vector256.Load(src + ldb);
        var r2 = Vector256.Load(src + 2 * (nint)ldb); var r3 = Vector256.Load(src + 3 * (nint)ldb);
        var r4 = Vector256.Load(src + 4 * (nint)ldb); var r5 = Vector256.Load(src + 5 * (nint)ldb);
        var r6 = Vector256.Load(src + 6 * (nint)ldb); var r7 = Vector256.Load(src + 7 * (nint)ldb);
        GemmTranspose.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Vector256.Store(r0, dst); Vector256.Store(r1, dst + NR); Vector256.Store(r2, dst + 2 * NR);
        Vector256.Store(r3, dst + 3 * NR); Vector256.Store(r4, dst + 4 * NR); Vector256.Store(r5, dst + 5 * NR);
        Vector256.Store(r6, dst + 6 * NR); Vector256.Store(r7, dst + 7 * NR);
    }
}
