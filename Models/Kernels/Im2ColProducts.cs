using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// The two matrix products of a convolution whose weight matrix is small and whose column matrix is long and thin
/// (LeNet's 6×25 weights against 25 × 50 176 columns): a general GEMM spends its time packing such operands.
/// </summary>
/// <remarks>
/// <see cref="Expand"/>: C[M×n] (+)= A[M×K]·B[K×n] with A tiny — the forward product (the ∂C/∂columns product went to
/// the GEMM once it cut few-row products into column pieces).
/// Four rows of C by sixteen columns live in eight AVX registers while K rows of B stream past; n is cut into chunks
/// that stay in L1 and the chunks are shared out between threads, so each thread writes its own columns (race-free,
/// same bits on any thread count).
/// <see cref="Reduce"/>: D[M×K] += A[M×n]·B[K×n]ᵀ with n huge — the ∂C/∂w product. Each thread reduces a fixed share
/// of n into its own partial D, and the partials are added in a fixed order.
/// The plain twin of both is <see cref="GemmReference"/>.
/// </remarks>
public static class Im2ColProducts
{
    private const int Chunk = 256;

    /// <summary>True when <see cref="Expand"/> beats the general <see cref="Gemm"/> for a forward product (measured: both
    /// sides at most 32; beyond that the packed GEMM's cache blocking wins). Not for ∂C/∂x any more: there the GEMM's
    /// column pieces won (<see cref="Convolution.InputGradient"/>).</summary>
    public static bool SuitsExpand(int m, int k) => Avx2.IsSupported && Fma.IsSupported && m <= 32 && k <= 32;

    /// <summary>True when <see cref="Reduce"/> beats the general <see cref="Gemm"/>: a result of at most 256 entries.</summary>
    /// <remarks>Measured with <c>race-cnn layers</c> at batch 64 (∂C/∂w, Reduce against GEMM): 6×25 (LeNet conv1) 0.46 against
    /// 1.02 ms and 16×9 (ResNet stem) 0.36 against 1.15 ms, but 16×150 (LeNet conv2) 1.87 against 1.10, 16×144 (ResNet
    /// 16-channel 3×3) 8.95 against 6.34 and 32×16 (1×1 shortcut) 1.48 against 1.17: Reduce's dot products load three
    /// vectors per two FMAs, which only pays while the GEMM's packing dominates, i.e. for tiny results.</remarks>
    public static bool SuitsReduce(int m, int k) => Avx2.IsSupported && Fma.IsSupported && (long)m * k <= 256;

    /// <summary>C[M×n] = A[M×K]·B[K×n] (+ C when <paramref name="accumulate"/>); row-major, leading dimensions lda, ldb, ldc.</summary>
    public static void Expand(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate = false)
    {
        GemmArguments.Check(false, false, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (!Avx2.IsSupported || !Fma.IsSupported) { Gemm.Multiply(false, false, m, n, k, a, lda, b, ldb, c, ldc, accumulate); return; }
        int chunks = (n + Chunk - 1) / Chunk;
        unsafe
        {
            fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
            {
                KernelLoop.For(chunks, (long)m * n * k, (M: m, N: n, K: k, A: (nint)pa, Lda: lda, B: (nint)pb, Ldb: ldb, C: (nint)pc, Ldc: ldc, Accumulate: accumulate),
                    static (j, ch) => ExpandChunk(j.M, j.N, j.K, (float*)j.A, j.Lda, (float*)j.B, j.Ldb, (float*)j.C, j.Ldc, j.Accumulate, ch));
            }
        }
    }

    private static unsafe void ExpandChunk(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate, int chunk)
    {
        int j0 = chunk * Chunk, j1 = Math.Min(n, j0 + Chunk);
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            int j = j0;
            for (; j + 16 <= j1; j += 16) Block4x16(k, a + (long)i * lda, lda, b + j, ldb, c + (long)i * ldc + j, ldc, accumulate);
            for (; j < j1; j++)
                for (int r = 0; r < 4; r++) c[(long)(i + r) * ldc + j] = Dot(k, a + (long)(i + r) * lda, b + j, ldb, accumulate ? c[(long)(i + r) * ldc + j] : 0f);
        }
        for (; i < m; i++)
        {
            int j = j0;
            for (; j + 16 <= j1; j += 16) Block1x16(k, a + (long)i * lda, b + j, ldb, c + (long)i * ldc + j, accumulate);
            for (; j < j1; j++) c[(long)i * ldc + j] = Dot(k, a + (long)i * lda, b + j, ldb, accumulate ? c[(long)i * ldc + j] : 0f);
        }
    }

    private static unsafe float Dot(int k, float* a, float* b, int ldb, float start)
    {
        float s = start;
        for (int p = 0; p < k; p++) s += a[p] * b[(long)p * ldb];
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Block4x16(int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = Avx.LoadVector256(c); c01 = Avx.LoadVector256(c + 8);
            c10 = Avx.LoadVector256(c + ldc); c11 = Avx.LoadVector256(c + ldc + 8);
            c20 = Avx.LoadVector256(c + 2 * ldc); c21 = Avx.LoadVector256(c + 2 * ldc + 8);
            c30 = Avx.LoadVector256(c + 3 * ldc); c31 = Avx.LoadVector256(c + 3 * ldc + 8);
        }
        else c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector256<float>.Zero;
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        for (int p = 0; p < k; p++)
        {
            float* bp = b + (long)p * ldb;
            var b0 = Avx.LoadVector256(bp); var b1 = Avx.LoadVector256(bp + 8);
            var w = Vector256.Create(a0[p]); c00 = Fma.MultiplyAdd(w, b0, c00); c01 = Fma.MultiplyAdd(w, b1, c01);
            w = Vector256.Create(a1[p]); c10 = Fma.MultiplyAdd(w, b0, c10); c11 = Fma.MultiplyAdd(w, b1, c11);
            w = Vector256.Create(a2[p]); c20 = Fma.MultiplyAdd(w, b0, c20); c21 = Fma.MultiplyAdd(w, b1, c21);
            w = Vector256.Create(a3[p]); c30 = Fma.MultiplyAdd(w, b0, c30); c31 = Fma.MultiplyAdd(w, b1, c31);
        }
        Avx.Store(c, c00); Avx.Store(c + 8, c01);
        Avx.Store(c + ldc, c10); Avx.Store(c + ldc + 8, c11);
        Avx.Store(c + 2 * ldc, c20); Avx.Store(c + 2 * ldc + 8, c21);
        Avx.Store(c + 3 * ldc, c30); Avx.Store(c + 3 * ldc + 8, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Block1x16(int k, float* a, float* b, int ldb, float* c, bool accumulate)
    {
        var c0 = accumulate ? Avx.LoadVector256(c) : Vector256<float>.Zero;
        var c1 = accumulate ? Avx.LoadVector256(c + 8) : Vector256<float>.Zero;
        for (int p = 0; p < k; p++)
        {
            float* bp = b + (long)p * ldb;
            var w = Vector256.Create(a[p]);
            c0 = Fma.MultiplyAdd(w, Avx.LoadVector256(bp), c0);
            c1 = Fma.MultiplyAdd(w, Avx.LoadVector256(bp + 8), c1);
        }
        Avx.Store(c, c0); Avx.Store(c + 8, c1);
    }

    // One partial sum per share of n, kept by the calling thread so that a steady-state step allocates nothing.
    [ThreadStatic] private static float[][]? _partials;

    /// <summary>D[M×K] += A[M×n]·B[K×n]ᵀ: dot products of long rows, for ∂C/∂w = δ·columnsᵀ.</summary>
    public static void Reduce(int m, int k, int n, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> d, int ldd)
    {
        GemmArguments.Check(false, true, m, k, n, a.Length, lda, b.Length, ldb, d.Length, ldd);
        if (m == 0 || k == 0 || n == 0) return;
        if (!Avx2.IsSupported || !Fma.IsSupported) { Gemm.Multiply(false, true, m, k, n, a, lda, b, ldb, d, ldd, accumulate: true); return; }
        // Parts follow the machine's cores, not the loop's threads of the moment: the sum's bits depend on the parts.
        int parts = (long)m * n * k < KernelLoop.SerialWork ? 1 : Math.Min(Environment.ProcessorCount, Math.Max(1, n / 1024));
        if (_partials is null || _partials.Length < parts) _partials = new float[parts][];
        var partials = _partials;
        for (int t = 0; t < parts; t++)
            if (partials[t] is null || partials[t].Length < m * k) partials[t] = new float[m * k];
        unsafe
        {
            fixed (float* pa = a) fixed (float* pb = b)
            {
                KernelLoop.For(parts, (long)m * n * k, (M: m, K: k, N: n, A: (nint)pa, Lda: lda, B: (nint)pb, Ldb: ldb, Parts: parts, Partials: partials),
                    static (j, t) =>
                    {
                        int j0 = (int)((long)j.N * t / j.Parts), j1 = (int)((long)j.N * (t + 1) / j.Parts);
                        Array.Clear(j.Partials[t], 0, j.M * j.K);
                        fixed (float* acc = j.Partials[t]) ReduceRange(j.M, j.K, (float*)j.A, j.Lda, (float*)j.B, j.Ldb, j0, j1, acc);
                    });
            }
        }
        // Added in a fixed order, so the result depends on the number of parts but not on thread timing.
        for (int t = 0; t < parts; t++)
            for (int i = 0; i < m; i++)
            {
                var row = d.Slice(i * ldd, k);
                TensorPrimitives.Add(row, partials[t].AsSpan(i * k, k), row);
            }
    }

    private static unsafe void ReduceRange(int m, int k, float* a, int lda, float* b, int ldb, int j0, int j1, float* acc)
    {
        for (int s = j0; s < j1; s += Chunk)
        {
            int len = Math.Min(Chunk, j1 - s);
            for (int i = 0; i < m; i++)
            {
                var ai = new ReadOnlySpan<float>(a + (long)i * lda + s, len);
                int r = 0;
                for (; r + 2 <= k; r += 2)
                {
                    var (x, y) = Dot2(ai, b + (long)r * ldb + s, b + (long)(r + 1) * ldb + s, len);
                    acc[i * k + r] += x; acc[i * k + r + 1] += y;
                }
                for (; r < k; r++) acc[i * k + r] += TensorPrimitives.Dot(ai, new ReadOnlySpan<float>(b + (long)r * ldb + s, len));
            }
        }
    }

    /// <summary>Two dot products sharing the left operand's loads.</summary>
    private static unsafe (float, float) Dot2(ReadOnlySpan<float> a, float* b0, float* b1, int len)
    {
        fixed (float* pa = a)
        {
            Vector256<float> s0 = Vector256<float>.Zero, s1 = Vector256<float>.Zero, t0 = Vector256<float>.Zero, t1 = Vector256<float>.Zero;
            int j = 0;
            for (; j + 16 <= len; j += 16)
            {
                var x0 = Avx.LoadVector256(pa + j); var x1 = Avx.LoadVector256(pa + j + 8);
                s0 = Fma.MultiplyAdd(x0, Avx.LoadVector256(b0 + j), s0); s1 = Fma.MultiplyAdd(x1, Avx.LoadVector256(b0 + j + 8), s1);
                t0 = Fma.MultiplyAdd(x0, Avx.LoadVector256(b1 + j), t0); t1 = Fma.MultiplyAdd(x1, Avx.LoadVector256(b1 + j + 8), t1);
            }
            float u = Vector256.Sum(s0 + s1), v = Vector256.Sum(t0 + t1);
            for (; j < len; j++) { u += pa[j] * b0[j]; v += pa[j] * b1[j]; }
            return (u, v);
        }
    }
}
