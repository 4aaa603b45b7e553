using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>Copies blocks of op(A) and op(B) into the panel layouts the micro-kernel streams through: A here, B in
/// GemmPackingB.cs.</summary>
/// <remarks>
/// Packed A: row panels of MR rows; inside a panel, for each k the MR values of that column (<c>[p*MR + r]</c>).
/// Packed B: column panels of NR columns; inside a panel, for each k the NR values of that row (<c>[p*NR + j]</c>).
/// Panels cut by the edge of the matrix are padded with zeros, so the micro-kernel always runs full tiles.
/// Sources are read in contiguous runs (a sliver's rows 8 values of k at a time; B 16 floats of a row at a time, sixteen
/// rows at once), and each panel is written front to back.
/// </remarks>
internal static unsafe partial class GemmPacking
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
}
