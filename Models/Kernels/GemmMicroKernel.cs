using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The innermost GEMM loop: one MR×NR (6×16) tile of C from a packed 6×kc sliver of A and a kc×16 sliver of B.</summary>
/// <remarks>
/// Packed A holds, for each k, the 6 values of a column (<c>a[p*6 + r]</c>); packed B holds, for each k, 16 values of a
/// row (<c>b[p*16 + j]</c>). Per k step: two B loads, six broadcasts of A, twelve FMAs. Each output element is one
/// fused multiply-add chain over k in increasing order, so its bits do not depend on the tile it lands in, on how the
/// work is split over threads, or on which of the two versions below ran (the scalar one uses the same fused operation),
/// nor on whether the 512-bit tiles of <see cref="GemmMicroKernelWide"/> ran instead.
/// </remarks>
internal static unsafe class GemmMicroKernel
{
    private const int MR = GemmBlocking.MR, NR = GemmBlocking.NR;

    /// <summary>C[0..mr, 0..nr] = (add ? C : 0) + Σₚ a[p]·b[p], for a tile that may be cut by the edge of C.</summary>
    /// <param name="vectorized">The 256-bit tile, else its scalar twin (<see cref="SimdWidth"/> decides; same bits).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool add, bool vectorized)
    {
        if (mr == MR && nr == NR)
        {
            if (vectorized) Full(kc, a, b, c, ldc, add); else Scalar(kc, a, b, c, ldc, add);
            return;
        }
        // Edge tile: compute the whole padded tile into a scratch tile, then copy the part inside C.
        float* t = stackalloc float[MR * NR];
        if (vectorized) Full(kc, a, b, t, NR, add: false); else Scalar(kc, a, b, t, NR, add: false);
        for (int r = 0; r < mr; r++)
        {
            float* cr = c + (nint)r * ldc, tr = t + r * NR;
            if (add) for (int j = 0; j < nr; j++) cr[j] += tr[j];
            else for (int j = 0; j < nr; j++) cr[j] = tr[j];
        }
    }

    /// <summary>The register-blocked tile: 12 accumulators, k unrolled by 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Full(int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            Step(a, b, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            Step(a + MR, b + NR, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            Step(a + 2 * MR, b + 2 * NR, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            Step(a + 3 * MR, b + 3 * NR, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            a += 4 * MR; b += 4 * NR;
        }
        for (; p < kc; p++)
        {
            Step(a, b, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            a += MR; b += NR;
        }
        Store(c, c00, c01, add); c += ldc;
        Store(c, c10, c11, add); c += ldc;
        Store(c, c20, c21, add); c += ldc;
        Store(c, c30, c31, add); c += ldc;
        Store(c, c40, c41, add); c += ldc;
        Store(c, c50, c51, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(float* a, float* b,
        ref Vector256<float> c00, ref Vector256<float> c01, ref Vector256<float> c10, ref Vector256<float> c11,
        ref Vector256<float> c20, ref Vector256<float> c21, ref Vector256<float> c30, ref Vector256<float> c31,
        ref Vector256<float> c40, ref Vector256<float> c41, ref Vector256<float> c50, ref Vector256<float> c51)
    {
        var b0 = Vector256.Load(b);
        var b1 = Vector256.Load(b + 8);
        var x = Vector256.Create(a[0]);
        c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
        x = Vector256.Create(a[1]);
        c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
        x = Vector256.Create(a[2]);
        c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
        x = Vector256.Create(a[3]);
        c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
        x = Vector256.Create(a[4]);
        c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
        x = Vector256.Create(a[5]);
        c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> lo, Vector256<float> hi, bool add)
    {
        if (add)
        {
            lo += Vector256.Load(c);
            hi += Vector256.Load(c + 8);
        }
        Vector256.Store(lo, c);
        Vector256.Store(hi, c + 8);
    }

    /// <summary>Scalar twin of <see cref="Full"/> for hardware without 256-bit vectors: the same fused chain per element.</summary>
    private static void Scalar(int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < NR; j++)
            {
                float s = 0f;
                for (int p = 0; p < kc; p++) s = MathF.FusedMultiplyAdd(a[p * MR + r], b[p * NR + j], s);
                float* cj = c + (nint)r * ldc + j;
                *cj = add ? *cj + s : s;
            }
    }
}
