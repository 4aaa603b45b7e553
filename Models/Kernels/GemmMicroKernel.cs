using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The innermost GEMM loop: one MR×NR (6×16) tile of C from a packed 6×kc sliver of A and a kc×16 sliver of B.</summary>
/// <remarks>
/// Packed A holds, for each k, the 6 values of a column (<c>a[p*6 + r]</c>); packed B holds, for each k, 16 values of a
/// row (<c>b[p*16 + j]</c>). Per k step: two B loads, six broadcasts of A, twelve FMAs. Each output element is one
/// fused multiply-add chain over k in increasing order, so its bits do not depend on the tile it lands in, on how the
/// work is split over threads, or on which of the two versions below ran (the scalar one uses the same fused operation).
/// </remarks>
internal static unsafe class GemmMicroKernel
{
    private const int MR = GemmBlocking.MR, NR = GemmBlocking.NR;

    /// <summary>Whether the vector kernel runs on hardware; otherwise the scalar twin (same bits, slower) is used.</summary>
    public static readonly bool Vectorized = Vector256.IsHardwareAccelerated;

    /// <summary>Whether <see cref="TilePair"/> runs: 512-bit vectors that the hardware accelerates (AVX-512).</summary>
    /// <remarks>Set to false to time or test the 256-bit kernel alone; both give the same bits.</remarks>
    public static bool Wide { get; set; } = Vector512.IsHardwareAccelerated;

    /// <summary>Two full tiles stacked (rows 0..12 of C) from two consecutive packed A slivers and one B sliver, in
    /// 512-bit vectors: one B row is one vector, so twelve accumulators cover 12×16.</summary>
    /// <remarks>
    /// On cores with two 512-bit FMA ports (Intel server parts) this doubles the multiply-adds per cycle of the 256-bit
    /// tile; twelve independent accumulator chains are more than the eight that two ports with a latency of four need in
    /// flight. A single 6×16 tile in 512 bits would have only six. Each element is still one fused multiply-add chain over
    /// k in increasing order, so the bits are those of <see cref="Tile"/>.
    /// </remarks>
    /// <param name="rows">Rows of C to store, 7 to 12: with fewer than 12 the second sliver's padding rows are computed
    /// and dropped. For m = 128 (DCGAN's 128-channel products) the last 8 rows then cost one pair tile instead of a
    /// 256-bit 6-row tile and a padded 256-bit edge tile: 66 instead of 72 tile-cycles per k for the 128 rows.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TilePair(int kc, float* a, float* b, float* c, int ldc, bool add, int rows = 2 * MR)
    {
        float* a2 = a + (nint)MR * kc;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (int p = 0; p < kc; p++)
        {
            var bp = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), bp, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[1]), bp, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[2]), bp, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[3]), bp, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[4]), bp, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[5]), bp, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[0]), bp, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[1]), bp, c7);
            c8 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[2]), bp, c8);
            c9 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[3]), bp, c9);
            c10 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[4]), bp, c10);
            c11 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[5]), bp, c11);
            a += MR; a2 += MR; b += NR;
        }
        Store(c, c0, add); c += ldc; Store(c, c1, add); c += ldc; Store(c, c2, add); c += ldc;
        Store(c, c3, add); c += ldc; Store(c, c4, add); c += ldc; Store(c, c5, add); c += ldc;
        Store(c, c6, add); c += ldc;
        if (rows > 7) Store(c, c7, add); c += ldc;
        if (rows > 8) Store(c, c8, add); c += ldc;
        if (rows > 9) Store(c, c9, add); c += ldc;
        if (rows > 10) Store(c, c10, add); c += ldc;
        if (rows > 11) Store(c, c11, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> row, bool add)
    {
        if (add) row += Vector512.Load(c);
        Vector512.Store(row, c);
    }

    /// <summary>C[0..mr, 0..nr] = (add ? C : 0) + Σₚ a[p]·b[p], for a tile that may be cut by the edge of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool add)
    {
        if (mr == MR && nr == NR)
        {
            if (Vectorized) Full(kc, a, b, c, ldc, add); else Scalar(kc, a, b, c, ldc, add);
            return;
        }
        // Edge tile: compute the whole padded tile into a scratch tile, then copy the part inside C.
        float* t = stackalloc float[MR * NR];
        if (Vectorized) Full(kc, a, b, t, NR, add: false); else Scalar(kc, a, b, t, NR, add: false);
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
