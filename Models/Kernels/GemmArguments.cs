namespace NeuralPipelines.Models.Kernels;

/// <summary>Checks GEMM operand sizes once, so a wrong shape is an error that names the operand, not memory corruption.</summary>
internal static class GemmArguments
{
    public static void Check(bool transA, bool transB, int m, int n, int k, int aLen, int lda, int bLen, int ldb, int cLen, int ldc)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"GEMM sizes must be non-negative (m={m}, n={n}, k={k}).");
        if (m == 0 || n == 0) return;
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        Need("A", aRows, aCols, lda, aLen);
        Need("B", bRows, bCols, ldb, bLen);
        Need("C", m, n, ldc, cLen);
    }

    /// <summary>Checks an operand [rows × columns] stored as images of <paramref name="plane"/> pixels (NCHW: column q of
    /// row i at (q / plane)·rows·plane + i·plane + q mod plane).</summary>
    public static void Images(int rows, int columns, int length, int plane, string operand = "A")
    {
        if (plane <= 0 || columns % plane != 0 || (long)rows * columns > length)
            throw new ArgumentException($"GEMM operand {operand} [{rows}×{columns}] as images of {plane} pixels needs its columns a multiple of the plane and {(long)rows * columns} floats; got {length}.");
    }

    /// <summary>The smallest and largest of an offset table: with the source's length, whether every read lands inside it.</summary>
    public static (int Min, int Max) Range(ReadOnlySpan<int> offsets)
    {
        int min = int.MaxValue, max = int.MinValue;
        foreach (int o in offsets) { min = Math.Min(min, o); max = Math.Max(max, o); }
        return (min, max);
    }

    private static void Need(string name, int rows, int cols, int ld, int len)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols) throw new ArgumentException($"GEMM operand {name} is {rows}×{cols} but its leading dimension is {ld}.");
        long need = (long)(rows - 1) * ld + cols;
        if (len < need) throw new ArgumentException($"GEMM operand {name} ({rows}×{cols}, ld {ld}) needs {need} floats but has {len}.");
    }
}
