namespace NeuralPipelines.Models.Kernels;

/// <summary>One GEMM call as raw pointers, handed from the caller to every thread of the team.</summary>
/// <remarks>The operands are pinned by the caller for as long as the call runs, which outlasts every thread's share.
/// A gathered B (<see cref="GatheredB"/>) is read through its two offset tables instead of ld/transposition, and an A
/// or B stored as images (<see cref="APlane"/>, <see cref="BPlane"/>) by image and pixel.</remarks>
internal readonly unsafe struct GemmProblem(bool transA, bool transB, int m, int n, int k,
    float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate, GatheredB gathered = default, int aPlane = 0, int bPlane = 0,
    float* packedA = null)
{
    public readonly bool TransA = transA, TransB = transB, Accumulate = accumulate;
    public readonly int M = m, N = n, K = k, Lda = lda, Ldb = ldb, Ldc = ldc;
    public readonly float* A = a, B = b, C = c;
    public readonly GatheredB Gathered = gathered;
    /// <summary>When positive, A [M × N·P] is stored as images [N × M × P] of this many pixels P
    /// (<see cref="GemmPacking.PackAImages"/>); Lda is then P.</summary>
    public readonly int APlane = aPlane;
    /// <summary>When positive, B [K × N·P] is stored as images [N × K × P] of this many pixels P
    /// (<see cref="GemmPacking.PackBRowsImages"/>); Ldb is then P.</summary>
    public readonly int BPlane = bPlane;
    /// <summary>When set, op(A) already packed whole (<see cref="Gemm.PackWhole"/>): the blocks are read from it, not packed.</summary>
    public readonly float* PackedA = packedA;

    /// <summary>This problem with op(A) read from <paramref name="packed"/>, packed whole.</summary>
    public GemmProblem WithPackedA(float* packed) =>
        new(TransA, TransB, M, N, K, A, Lda, B, Ldb, C, Ldc, Accumulate, Gathered, APlane, BPlane, packed);
}
