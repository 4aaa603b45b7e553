namespace NeuralPipelines.Models.Kernels;

/// <summary>The plain twin of <see cref="Gemm"/>: three loops, accumulated in double. Tests compare the fast kernel to it.</summary>
public static class GemmReference
{
    /// <summary>C[m×n] = op(A)·op(B) (+ C when <paramref name="accumulate"/>), all row-major with leading dimensions.</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate = false)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? c[i * ldc + j] : 0.0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }
                c[i * ldc + j] = (float)sum;
            }
    }
}
