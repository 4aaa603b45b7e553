using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The 512-bit GEMM tiles of <see cref="GemmMicroKernelWide"/> (12×32, 8×32, 6×32) with B read in place: row p
/// of the tile's two 16-column panels is the 16 floats at <c>rows[p] + first</c> and at <c>rows[p] + second</c> of
/// the source, not a packed panel (<see cref="GemmInPlaceB"/>).</summary>
/// <remarks>Each element of C is the same fused multiply-add chain over k in increasing order as in the packed tiles,
/// added to C the same way, so the bits are theirs. Kept apart from them rather than made generic over where B's rows
/// are: the packed tiles are the whole GEMM's inner loop, and each accumulator stays in a register only when it is
/// written out (docs/BENCHMARKS.md, the 8×32 tile), so they stay as measured.</remarks>
internal static unsafe class GemmMicroKernelInPlace
{
    private const int MR = GemmBlocking.MR, NR = GemmBlocking.NR;

    /// <summary>Rows 0..<paramref name="rows"/> (7 to 12) × 32 columns of C from two consecutive packed A slivers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile12x32(int kc, float* a, float* first, float* second, int* rows, float* c, int ldc, bool add, int rowsOfC)
    {
        float* a2 = a + (nint)MR * kc;
        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default, c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        Vector512<float> c6a = default, c6b = default, c7a = default, c7b = default, c8a = default, c8b = default, c9a = default, c9b = default, c10a = default, c10b = default, c11a = default, c11b = default;
        for (int p = 0; p < kc; p++)
        {
            int r = rows[p];
            var b0 = Vector512.Load(first + r);
            var b1 = Vector512.Load(second + r);
            Vector512<float> x;
            x = Vector512.Create(a[0]); c0a = Vector512.FusedMultiplyAdd(x, b0, c0a); c0b = Vector512.FusedMultiplyAdd(x, b1, c0b);
            x = Vector512.Create(a[1]); c1a = Vector512.FusedMultiplyAdd(x, b0, c1a); c1b = Vector512.FusedMultiplyAdd(x, b1, c1b);
            x = Vector512.Create(a[2]); c2a = Vector512.FusedMultiplyAdd(x, b0, c2a); c2b = Vector512.FusedMultiplyAdd(x, b1, c2b);
            x = Vector512.Create(a[3]); c3a = Vector512.FusedMultiplyAdd(x, b0, c3a); c3b = Vector512.FusedMultiplyAdd(x, b1, c3b);
            x = Vector512.Create(a[4]); c4a = Vector512.FusedMultiplyAdd(x, b0, c4a); c4b = Vector512.FusedMultiplyAdd(x, b1, c4b);
            x = Vector512.Create(a[5]); c5a = Vector512.FusedMultiplyAdd(x, b0, c5a); c5b = Vector512.FusedMultiplyAdd(x, b1, c5b);
            x = Vector512.Create(a2[0]); c6a = Vector512.FusedMultiplyAdd(x, b0, c6a); c6b = Vector512.FusedMultiplyAdd(x, b1, c6b);
            x = Vector512.Create(a2[1]); c7a = Vector512.FusedMultiplyAdd(x, b0, c7a); c7b = Vector512.FusedMultiplyAdd(x, b1, c7b);
            x = Vector512.Create(a2[2]); c8a = Vector512.FusedMultiplyAdd(x, b0, c8a); c8b = Vector512.FusedMultiplyAdd(x, b1, c8b);
            x = Vector512.Create(a2[3]); c9a = Vector512.FusedMultiplyAdd(x, b0, c9a); c9b = Vector512.FusedMultiplyAdd(x, b1, c9b);
            x = Vector512.Create(a2[4]); c10a = Vector512.FusedMultiplyAdd(x, b0, c10a); c10b = Vector512.FusedMultiplyAdd(x, b1, c10b);
            x = Vector512.Create(a2[5]); c11a = Vector512.FusedMultiplyAdd(x, b0, c11a); c11b = Vector512.FusedMultiplyAdd(x, b1, c11b);
            a += MR; a2 += MR;
        }
        Store(c, c0a, c0b, add); c += ldc;
        Store(c, c1a, c1b, add); c += ldc;
        Store(c, c2a, c2b, add); c += ldc;
        Store(c, c3a, c3b, add); c += ldc;
        Store(c, c4a, c4b, add); c += ldc;
        Store(c, c5a, c5b, add); c += ldc;
        Store(c, c6a, c6b, add); c += ldc;
        if (rowsOfC > 7) Store(c, c7a, c7b, add); c += ldc;
        if (rowsOfC > 8) Store(c, c8a, c8b, add); c += ldc;
        if (rowsOfC > 9) Store(c, c9a, c9b, add); c += ldc;
        if (rowsOfC > 10) Store(c, c10a, c10b, add); c += ldc;
        if (rowsOfC > 11) Store(c, c11a, c11b, add);
    }
    /// <summary>Rows 0..<paramref name="rows"/> (7 or 8) × 32 columns of C from two consecutive packed A slivers (all of the first, two rows of the second).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile8x32(int kc, float* a, float* first, float* second, int* rows, float* c, int ldc, bool add, int rowsOfC)
    {
        float* a2 = a + (nint)MR * kc;
        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default, c3a = default, c3b = default;
        Vector512<float> c4a = default, c4b = default, c5a = default, c5b = default, c6a = default, c6b = default, c7a = default, c7b = default;
        for (int p = 0; p < kc; p++)
        {
            int r = rows[p];
            var b0 = Vector512.Load(first + r);
            var b1 = Vector512.Load(second + r);
            Vector512<float> x;
            x = Vector512.Create(a[0]); c0a = Vector512.FusedMultiplyAdd(x, b0, c0a); c0b = Vector512.FusedMultiplyAdd(x, b1, c0b);
            x = Vector512.Create(a[1]); c1a = Vector512.FusedMultiplyAdd(x, b0, c1a); c1b = Vector512.FusedMultiplyAdd(x, b1, c1b);
            x = Vector512.Create(a[2]); c2a = Vector512.FusedMultiplyAdd(x, b0, c2a); c2b = Vector512.FusedMultiplyAdd(x, b1, c2b);
            x = Vector512.Create(a[3]); c3a = Vector512.FusedMultiplyAdd(x, b0, c3a); c3b = Vector512.FusedMultiplyAdd(x, b1, c3b);
            x = Vector512.Create(a[4]); c4a = Vector512.FusedMultiplyAdd(x, b0, c4a); c4b = Vector512.FusedMultiplyAdd(x, b1, c4b);
            x = Vector512.Create(a[5]); c5a = Vector512.FusedMultiplyAdd(x, b0, c5a); c5b = Vector512.FusedMultiplyAdd(x, b1, c5b);
            x = Vector512.Create(a2[0]); c6a = Vector512.FusedMultiplyAdd(x, b0, c6a); c6b = Vector512.FusedMultiplyAdd(x, b1, c6b);
            x = Vector512.Create(a2[1]); c7a = Vector512.FusedMultiplyAdd(x, b0, c7a); c7b = Vector512.FusedMultiplyAdd(x, b1, c7b);
            a += MR; a2 += MR;
        }
        Store(c, c0a, c0b, add); c += ldc;
        Store(c, c1a, c1b, add); c += ldc;
        Store(c, c2a, c2b, add); c += ldc;
        Store(c, c3a, c3b, add); c += ldc;
        Store(c, c4a, c4b, add); c += ldc;
        Store(c, c5a, c5b, add); c += ldc;
        Store(c, c6a, c6b, add); c += ldc;
        if (rowsOfC > 7) Store(c, c7a, c7b, add);
    }
    /// <summary>Rows 0..<paramref name="rows"/> (1 to 6) × 32 columns of C from one packed A sliver.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6x32(int kc, float* a, float* first, float* second, int* rows, float* c, int ldc, bool add, int rowsOfC)
    {
        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default;
        Vector512<float> c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        for (int p = 0; p < kc; p++)
        {
            int r = rows[p];
            var b0 = Vector512.Load(first + r);
            var b1 = Vector512.Load(second + r);
            Vector512<float> x;
            x = Vector512.Create(a[0]); c0a = Vector512.FusedMultiplyAdd(x, b0, c0a); c0b = Vector512.FusedMultiplyAdd(x, b1, c0b);
            x = Vector512.Create(a[1]); c1a = Vector512.FusedMultiplyAdd(x, b0, c1a); c1b = Vector512.FusedMultiplyAdd(x, b1, c1b);
            x = Vector512.Create(a[2]); c2a = Vector512.FusedMultiplyAdd(x, b0, c2a); c2b = Vector512.FusedMultiplyAdd(x, b1, c2b);
            x = Vector512.Create(a[3]); c3a = Vector512.FusedMultiplyAdd(x, b0, c3a); c3b = Vector512.FusedMultiplyAdd(x, b1, c3b);
            x = Vector512.Create(a[4]); c4a = Vector512.FusedMultiplyAdd(x, b0, c4a); c4b = Vector512.FusedMultiplyAdd(x, b1, c4b);
            x = Vector512.Create(a[5]); c5a = Vector512.FusedMultiplyAdd(x, b0, c5a); c5b = Vector512.FusedMultiplyAdd(x, b1, c5b);
            a += MR;
        }
        Store(c, c0a, c0b, add); c += ldc;
        if (rowsOfC > 1) Store(c, c1a, c1b, add); c += ldc;
        if (rowsOfC > 2) Store(c, c2a, c2b, add); c += ldc;
        if (rowsOfC > 3) Store(c, c3a, c3b, add); c += ldc;
        if (rowsOfC > 4) Store(c, c4a, c4b, add); c += ldc;
        if (rowsOfC > 5) Store(c, c5a, c5b, add);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> lo, Vector512<float> hi, bool add)
    {
        if (add)
        {
            lo += Vector512.Load(c);
            hi += Vector512.Load(c + NR);
        }
        Vector512.Store(lo, c);
        Vector512.Store(hi, c + NR);
    }
}
