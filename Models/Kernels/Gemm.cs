
namespace NeuralPipelines.Models.Kernels;

/// <summary>Single-precision matrix product, the kernel every dense and convolution layer runs on.</summary>
/// <remarks>Row-major; op(X) is X or Xᵀ. <see cref="GemmReference"/> is its plain twin.</remarks>
public static class Gemm
{
    /// <summary>C[m×n] = op(A)[m×k]·op(B)[k×n] (+ C when <paramref name="accumulate"/>).</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate = false)
    {
        GemmArguments.Check(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        // Interim row-times-panel form (i-p-j) with SIMD axpy; the packed, register-blocked kernel replaces it.
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * ldc, n);
            if (!accumulate) ci.Clear();
            for (int p = 0; p < k; p++)
            {
                float av = transA ? a[p * lda + i] : a[i * lda + p];
                if (av == 0f) continue;
                if (!transB)
                    TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), av, ci, ci);
                else
                    for (int j = 0; j < n; j++) ci[j] += av * b[j * ldb + p];
            }
        }
    }
}
