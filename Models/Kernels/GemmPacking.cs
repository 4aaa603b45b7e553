using System.Runtime.Intrinsics;

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
                        panel[0] = src[0]; panel[1] = src[1]; panel[2] = src[2];
                        panel[3] = src[3]; panel[4] = src[4]; panel[5] = src[5];
                    }
                else
                    for (int p = 0; p < kc; p++, src += lda, panel += MR)
                        for (int r = 0; r < MR; r++) panel[r] = r < mr ? src[r] : 0f;
            }
            else
            {
                // A is stored m×k: read each of the MR rows along k and scatter with stride MR.
                for (int r = 0; r < MR; r++)
                {
                    float* d = panel + r;
                    if (r < mr)
                    {
                        float* src = a + (nint)(i0 + ir + r) * lda + p0;
                        for (int p = 0; p < kc; p++) d[p * MR] = src[p];
                    }
                    else
                        for (int p = 0; p < kc; p++) d[p * MR] = 0f;
                }
            }
        }
    }

    /// <summary>Packs rows <paramref name="pFrom"/>..<paramref name="pTo"/> of op(B)[p0..p0+kc, j0..j0+nc] (all panels).</summary>
    /// <remarks>For B stored k×n: each thread takes a range of k rows and reads each row whole, in order.</remarks>
    public static void PackBRows(float* b, int ldb, int p0, int j0, int nc, int kc, int pFrom, int pTo, float* dst)
    {
        int full = nc / NR, rest = nc - full * NR;
        for (int p = pFrom; p < pTo; p++)
        {
            float* src = b + (nint)(p0 + p) * ldb + j0;
            float* d = dst + p * NR;
            for (int q = 0; q < full; q++, src += NR, d += (nint)kc * NR)
            {
                Vector256.Store(Vector256.Load(src), d);
                Vector256.Store(Vector256.Load(src + 8), d + 8);
            }
            if (rest > 0)
                for (int j = 0; j < NR; j++) d[j] = j < rest ? src[j] : 0f;
        }
    }

    /// <summary>Packs column panels <paramref name="qFrom"/>..<paramref name="qTo"/> of op(B)[p0..p0+kc, j0..j0+nc], B stored n×k.</summary>
    /// <remarks>op(B)[p, j] = b[j*ldb + p]: each stored row (one output column) is read along k and scattered with stride NR.</remarks>
    public static void PackBColumns(float* b, int ldb, int p0, int j0, int nc, int kc, int qFrom, int qTo, float* dst)
    {
        for (int q = qFrom; q < qTo; q++)
        {
            float* panel = dst + (nint)q * kc * NR;
            int nr = Math.Min(NR, nc - q * NR);
            for (int j = 0; j < NR; j++)
            {
                float* d = panel + j;
                if (j < nr)
                {
                    float* src = b + (nint)(j0 + q * NR + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) d[p * NR] = src[p];
                }
                else
                    for (int p = 0; p < kc; p++) d[p * NR] = 0f;
            }
        }
    }
}
