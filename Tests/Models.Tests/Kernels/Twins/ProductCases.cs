using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>A matrix product in the GEMM's form: C[m×n] = op(A)·op(B) (+ C), row-major with leading dimensions.</summary>
public delegate void Product(bool transA, bool transB, int m, int n, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc, bool accumulate);

/// <summary>Products against <see cref="GemmReference"/>: sizes around the micro-kernel's tiles (6 and 12 rows, 16 and 32
/// columns) and the blocking (k over 256, n over 2048), degenerate ones (1), the layers' real shapes, every transpose,
/// with and without accumulation into C and with padding between C's rows that must survive. The error of each element
/// is judged against Σ|a||b| (+|C|), as in <c>GemmTests</c>.</summary>
public static class ProductCases
{
    public static readonly (int M, int N, int K)[] Sizes =
    [
        (1, 1, 1), (2, 3, 1), (7, 7, 7), (5, 17, 3), (6, 16, 256), (5, 17, 257), (12, 16, 7), (12, 32, 7), (11, 35, 9),
        (7, 16, 260), (129, 1, 7), (1, 129, 63), (6, 25, 3001), (25, 3001, 6), (6, 3001, 25), (16, 150, 64), (64, 100, 784),
        (100, 784, 64), (140, 48, 300), (145, 33, 513), (300, 40, 530), (13, 2100, 600),
    ];

    private static readonly (bool A, bool B)[] Transposes = [(false, false), (true, false), (false, true), (true, true)];

    /// <param name="fast">The kernel in the GEMM's form.</param>
    /// <param name="takes">The products it takes (transA, transB, m, n, k, accumulate); null: every one.</param>
    public static IEnumerable<TwinCase> Sweep(Product fast, Func<bool, bool, int, int, int, bool, bool>? takes = null)
    {
        foreach (var (m, n, k) in Sizes)
            foreach (var (ta, tb) in Transposes)
                foreach (bool accumulate in new[] { false, true })
                {
                    if (takes is not null && !takes(ta, tb, m, n, k, accumulate)) continue;
                    int pad = accumulate ? 3 : 0, lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
                    var a = TwinData.Pixels((long)(ta ? k : m) * lda, m + 7, -0.5f);
                    var b = TwinData.Pixels((long)(tb ? n : k) * ldb, n + 301, -0.4f);
                    var start = accumulate ? TwinData.Pixels((long)m * ldc, k + 55, -0.3f) : TwinData.Unwritten((long)m * ldc);
                    // The padding between rows of C belongs to someone else: it must come back untouched.
                    for (int i = 0; i < m; i++) for (int j = n; j < ldc; j++) start[i * ldc + j] = 12345f;
                    float[][] Run(Product product, float[] a, float[] b, float[] c)
                    {
                        product(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
                        return [c];
                    }
                    var absStart = accumulate ? TwinData.Abs(start) : new float[start.Length];
                    for (int i = 0; i < m; i++) for (int j = n; j < ldc; j++) absStart[i * ldc + j] = 0f; // the padding: exact
                    yield return new TwinCase($"{(ta ? "Aᵀ" : "A")}·{(tb ? "Bᵀ" : "B")} {m}×{n}×{k}{(accumulate ? " + C" : "")}",
                        () => Run(fast, a, b, (float[])start.Clone()),
                        () => Run(Reference, a, b, (float[])start.Clone()))
                    {
                        Tolerances = [1e-5],
                        Scale = () => Run(Reference, TwinData.Abs(a), TwinData.Abs(b), (float[])absStart.Clone()),
                        Outputs = ["C"],
                    };
                }
    }

    private static void Reference(bool ta, bool tb, int m, int n, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc, bool accumulate) =>
        GemmReference.Multiply(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}
