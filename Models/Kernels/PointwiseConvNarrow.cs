using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// The 256-bit products of <see cref="PointwiseConv"/> (no AVX-512): the layout stays the 512-bit one (rows padded to
/// whole 16-float vectors), each 16-float vector handled as two 8-float halves. Products by four rows × 16 columns (eight
/// ymm accumulators: two FMA ports × latency four); ∂C/∂w by three × two 16-lane partial sums, each kept as its two halves
/// (twelve accumulators), so every lane runs the chain the 512-bit tile's lane runs, and the lanes are reduced the same
/// way (<see cref="SumOfLanes"/>): both widths give the same bits.
/// </summary>
public sealed unsafe partial class PointwiseConv
{
    private const int Half = 8;

    /// <summary>The sum of a 16-lane partial sum given as its halves: the halves added lane by lane, then the eight
    /// lanes; the 512-bit tile reduces its vectors through here too, so both widths reduce alike.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SumOfLanes(Vector256<float> low, Vector256<float> high) => Vector256.Sum(low + high);

    /// <summary><see cref="Product"/> at 256 bits: c[r, j] = bias[r] + Σ_q a[r, q]·b[q, j], four rows × 16 columns at a
    /// time, stored only for columns j &lt; <paramref name="valid"/>.</summary>
    private static void ProductNarrow(float* a, int lda, int m, int k, float* b, int ldb, float* bias, float* c, int ldc, int valid)
    {
        for (int r = 0; r < m; r += 4)
        {
            int rows = Math.Min(4, m - r);
            float* a0 = a + (long)r * lda, a1 = rows > 1 ? a0 + lda : a0, a2 = rows > 2 ? a0 + 2 * lda : a0, a3 = rows > 3 ? a0 + 3 * lda : a0;
            var b0 = bias == null ? default : Vector256.Create(bias[r]);
            var b1 = bias == null || rows < 2 ? default : Vector256.Create(bias[r + 1]);
            var b2 = bias == null || rows < 3 ? default : Vector256.Create(bias[r + 2]);
            var b3 = bias == null || rows < 4 ? default : Vector256.Create(bias[r + 3]);
            for (int j = 0; j < ldb; j += Lanes)
                Tile4x16(a0, a1, a2, a3, k, b + j, ldb, b0, b1, b2, b3, c + (long)r * ldc + j, ldc, rows, valid - j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x16(float* a0, float* a1, float* a2, float* a3, int k, float* b, int ldb,
        Vector256<float> b0, Vector256<float> b1, Vector256<float> b2, Vector256<float> b3, float* c, int ldc, int rows, int valid)
    {
        Vector256<float> c00 = b0, c01 = b0, c10 = b1, c11 = b1, c20 = b2, c21 = b2, c30 = b3, c31 = b3;
        for (int q = 0; q < k; q++, b += ldb)
        {
            var v0 = Avx.LoadVector256(b); var v1 = Avx.LoadVector256(b + Half);
            Vector256<float> s;
            s = Vector256.Create(a0[q]); c00 = Fma.MultiplyAdd(s, v0, c00); c01 = Fma.MultiplyAdd(s, v1, c01);
            s = Vector256.Create(a1[q]); c10 = Fma.MultiplyAdd(s, v0, c10); c11 = Fma.MultiplyAdd(s, v1, c11);
            s = Vector256.Create(a2[q]); c20 = Fma.MultiplyAdd(s, v0, c20); c21 = Fma.MultiplyAdd(s, v1, c21);
            s = Vector256.Create(a3[q]); c30 = Fma.MultiplyAdd(s, v0, c30); c31 = Fma.MultiplyAdd(s, v1, c31);
        }
        StoreFirst(c, c00, valid); StoreFirst(c + Half, c01, valid - Half);
        if (rows > 1) { StoreFirst(c + ldc, c10, valid); StoreFirst(c + ldc + Half, c11, valid - Half); }
        if (rows > 2) { StoreFirst(c + 2 * ldc, c20, valid); StoreFirst(c + 2 * ldc + Half, c21, valid - Half); }
        if (rows > 3) { StoreFirst(c + 3 * ldc, c30, valid); StoreFirst(c + 3 * ldc + Half, c31, valid - Half); }
    }

    /// <summary>The first <paramref name="count"/> lanes of <paramref name="v"/> at <paramref name="to"/> (all eight from 8
    /// up, none at 0 or below); the floats past them neither read nor written (a row of the output may end there).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFirst(float* to, Vector256<float> v, int count)
    {
        if (count >= Half) Avx.Store(to, v);
        else if (count > 0) Avx.MaskStore(to, Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle(), v);
    }

    /// <summary><see cref="Dots"/> at 256 bits, three rows of a by two of b: six 16-lane partial sums, each as its low
    /// and high halves (twelve accumulators), ten loads for twelve FMAs (two by two took eight for eight, and left ResNet-8's
    /// 32→64 shortcut's ∂C/∂w slower than the column route).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotsNarrow(float* a, int m, float* b, int n, int length, int images, float* d)
    {
        long aImage = (long)m * length, bImage = (long)n * length;
        for (int i = 0; i < m; i += 3)
        {
            long a1 = i + 1 < m ? length : 0, a2 = i + 2 < m ? 2 * length : 0;
            for (int j = 0; j < n; j += 2)
            {
                long b1 = j + 1 < n ? length : 0;
                Vector256<float> l00 = default, h00 = default, l01 = default, h01 = default, l10 = default, h10 = default;
                Vector256<float> l11 = default, h11 = default, l20 = default, h20 = default, l21 = default, h21 = default;
                for (int image = 0; image < images; image++)
                {
                    float* ar = a + image * aImage + (long)i * length, br = b + image * bImage + (long)j * length;
                    for (int p = 0; p < length; p += Lanes, ar += Lanes, br += Lanes)
                    {
                        // The low halves, then the high ones: two of b and one of a in registers at a time.
                        var x0 = Avx.LoadVector256(br); var x1 = Avx.LoadVector256(br + b1);
                        var u = Avx.LoadVector256(ar); l00 = Fma.MultiplyAdd(u, x0, l00); l01 = Fma.MultiplyAdd(u, x1, l01);
                        u = Avx.LoadVector256(ar + a1); l10 = Fma.MultiplyAdd(u, x0, l10); l11 = Fma.MultiplyAdd(u, x1, l11);
                        u = Avx.LoadVector256(ar + a2); l20 = Fma.MultiplyAdd(u, x0, l20); l21 = Fma.MultiplyAdd(u, x1, l21);
                        x0 = Avx.LoadVector256(br + Half); x1 = Avx.LoadVector256(br + b1 + Half);
                        u = Avx.LoadVector256(ar + Half); h00 = Fma.MultiplyAdd(u, x0, h00); h01 = Fma.MultiplyAdd(u, x1, h01);
                        u = Avx.LoadVector256(ar + a1 + Half); h10 = Fma.MultiplyAdd(u, x0, h10); h11 = Fma.MultiplyAdd(u, x1, h11);
                        u = Avx.LoadVector256(ar + a2 + Half); h20 = Fma.MultiplyAdd(u, x0, h20); h21 = Fma.MultiplyAdd(u, x1, h21);
                    }
                }
                float* row = d + (long)i * n + j;
                row[0] = SumOfLanes(l00, h00);
                if (b1 != 0) row[1] = SumOfLanes(l01, h01);
                if (a1 != 0)
                {
                    row[n] = SumOfLanes(l10, h10);
                    if (b1 != 0) row[n + 1] = SumOfLanes(l11, h11);
                }
                if (a2 != 0)
                {
                    row[2 * n] = SumOfLanes(l20, h20);
                    if (b1 != 0) row[2 * n + 1] = SumOfLanes(l21, h21);
                }
            }
        }
    }
}
