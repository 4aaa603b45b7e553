using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The float transposes that let packing read rows with vector loads and write columns: 8×8 in AVX registers,
/// 16×16 in AVX-512 ones.</summary>
/// <remarks>Rounds of in-register shuffles: interleave pairs of rows, pairs of pairs, then move 128-bit lanes. Callers
/// check <see cref="Avx.IsSupported"/> or <see cref="Avx512F.IsSupported"/>.</remarks>
internal static class GemmTranspose
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose8x8(
        ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(s0, s4, 0x20); r1 = Avx.Permute2x128(s1, s5, 0x20);
        r2 = Avx.Permute2x128(s2, s6, 0x20); r3 = Avx.Permute2x128(s3, s7, 0x20);
        r4 = Avx.Permute2x128(s0, s4, 0x31); r5 = Avx.Permute2x128(s1, s5, 0x31);
        r6 = Avx.Permute2x128(s2, s6, 0x31); r7 = Avx.Permute2x128(s3, s7, 0x31);
    }

    /// <summary>A whole [rows × cols] matrix (leading dimension cols) into [cols × rows] (leading dimension rows): 16×16
    /// blocks in registers, the edges past the last whole block (rows or columns mod 16) one float at a time.</summary>
    public static unsafe void Matrix16(float* src, int rows, int cols, float* dst) => Matrix(src, rows, cols, dst, 16);

    /// <summary><see cref="Matrix16"/> at the width the kernels run at: 16×16 blocks at 512 bits, 8×8 at 256, one float at
    /// a time on the scalar path. Every width writes the same floats.</summary>
    public static unsafe void MatrixAtWidth(float* src, int rows, int cols, float* dst) =>
        Matrix(src, rows, cols, dst, SimdWidth.Current switch
        {
            SimdPath.Vector512 when Avx512F.IsSupported => 16,
            SimdPath.Vector256 or SimdPath.Vector512 when Avx.IsSupported => 8,
            _ => 1,
        });

    private static unsafe void Matrix(float* src, int rows, int cols, float* dst, int block)
    {
        // Block 1 (the scalar path) has no register blocks: everything goes through the edge loop at the end.
        int rowsWhole = block > 1 ? rows / block * block : 0, colsWhole = block > 1 ? cols / block * block : 0;
        for (int r0 = 0; r0 < rowsWhole; r0 += block)
        {
            for (int c0 = 0; c0 < colsWhole; c0 += block)
                if (block == 16) Transpose16x16(src + (long)r0 * cols + c0, cols, dst + (long)c0 * rows + r0, rows);
                else Transpose8x8(src + (long)r0 * cols + c0, cols, dst + (long)c0 * rows + r0, rows);
            for (int r = r0; r < r0 + block; r++)
                for (int c = colsWhole; c < cols; c++) dst[(long)c * rows + r] = src[(long)r * cols + c];
        }
        for (int r = rowsWhole; r < rows; r++)
            for (int c = 0; c < cols; c++) dst[(long)c * rows + r] = src[(long)r * cols + c];
    }

    /// <summary>dst[k·ldDst + r] = src[r·ldSrc + k] for r, k &lt; 8: eight 256-bit loads, <see cref="Transpose8x8(ref
    /// Vector256{float}, ref Vector256{float}, ref Vector256{float}, ref Vector256{float}, ref Vector256{float}, ref
    /// Vector256{float}, ref Vector256{float}, ref Vector256{float})"/>, eight stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Transpose8x8(float* src, nint ldSrc, float* dst, nint ldDst)
    {
        var r0 = Avx.LoadVector256(src); var r1 = Avx.LoadVector256(src + ldSrc);
        var r2 = Avx.LoadVector256(src + 2 * ldSrc); var r3 = Avx.LoadVector256(src + 3 * ldSrc);
        var r4 = Avx.LoadVector256(src + 4 * ldSrc); var r5 = Avx.LoadVector256(src + 5 * ldSrc);
        var r6 = Avx.LoadVector256(src + 6 * ldSrc); var r7 = Avx.LoadVector256(src + 7 * ldSrc);
        Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Avx.Store(dst, r0); Avx.Store(dst + ldDst, r1); Avx.Store(dst + 2 * ldDst, r2); Avx.Store(dst + 3 * ldDst, r3);
        Avx.Store(dst + 4 * ldDst, r4); Avx.Store(dst + 5 * ldDst, r5); Avx.Store(dst + 6 * ldDst, r6); Avx.Store(dst + 7 * ldDst, r7);
    }

    /// <summary>dst[k·ldDst + r] = src[r·ldSrc + k] for r, k &lt; 16: sixteen rows of 16 floats read as sixteen 512-bit
    /// loads, written as sixteen 512-bit stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Transpose16x16(float* src, nint ldSrc, float* dst, nint ldDst)
    {
        // Round 1, rows in pairs: lane L of l holds (r0[4L], r1[4L], r0[4L+1], r1[4L+1]), of h the next two columns.
        var l0 = Avx512F.UnpackLow(Vector512.Load(src), Vector512.Load(src + ldSrc));
        var h0 = Avx512F.UnpackHigh(Vector512.Load(src), Vector512.Load(src + ldSrc));
        var l1 = Avx512F.UnpackLow(Vector512.Load(src + 2 * ldSrc), Vector512.Load(src + 3 * ldSrc));
        var h1 = Avx512F.UnpackHigh(Vector512.Load(src + 2 * ldSrc), Vector512.Load(src + 3 * ldSrc));
        var l2 = Avx512F.UnpackLow(Vector512.Load(src + 4 * ldSrc), Vector512.Load(src + 5 * ldSrc));
        var h2 = Avx512F.UnpackHigh(Vector512.Load(src + 4 * ldSrc), Vector512.Load(src + 5 * ldSrc));
        var l3 = Avx512F.UnpackLow(Vector512.Load(src + 6 * ldSrc), Vector512.Load(src + 7 * ldSrc));
        var h3 = Avx512F.UnpackHigh(Vector512.Load(src + 6 * ldSrc), Vector512.Load(src + 7 * ldSrc));
        var l4 = Avx512F.UnpackLow(Vector512.Load(src + 8 * ldSrc), Vector512.Load(src + 9 * ldSrc));
        var h4 = Avx512F.UnpackHigh(Vector512.Load(src + 8 * ldSrc), Vector512.Load(src + 9 * ldSrc));
        var l5 = Avx512F.UnpackLow(Vector512.Load(src + 10 * ldSrc), Vector512.Load(src + 11 * ldSrc));
        var h5 = Avx512F.UnpackHigh(Vector512.Load(src + 10 * ldSrc), Vector512.Load(src + 11 * ldSrc));
        var l6 = Avx512F.UnpackLow(Vector512.Load(src + 12 * ldSrc), Vector512.Load(src + 13 * ldSrc));
        var h6 = Avx512F.UnpackHigh(Vector512.Load(src + 12 * ldSrc), Vector512.Load(src + 13 * ldSrc));
        var l7 = Avx512F.UnpackLow(Vector512.Load(src + 14 * ldSrc), Vector512.Load(src + 15 * ldSrc));
        var h7 = Avx512F.UnpackHigh(Vector512.Load(src + 14 * ldSrc), Vector512.Load(src + 15 * ldSrc));
        // Round 2, rows in fours: lane L of each Quad holds four rows of column 4L + s; Columns stores output rows s, s + 4,
        // s + 8 and s + 12 (s = 0 … 3, from the low and high pairs of l and h).
        Columns(Quad(l0, l1, true), Quad(l2, l3, true), Quad(l4, l5, true), Quad(l6, l7, true), dst, ldDst);
        Columns(Quad(l0, l1, false), Quad(l2, l3, false), Quad(l4, l5, false), Quad(l6, l7, false), dst + ldDst, ldDst);
        Columns(Quad(h0, h1, true), Quad(h2, h3, true), Quad(h4, h5, true), Quad(h6, h7, true), dst + 2 * ldDst, ldDst);
        Columns(Quad(h0, h1, false), Quad(h2, h3, false), Quad(h4, h5, false), Quad(h6, h7, false), dst + 3 * ldDst, ldDst);
    }

    /// <summary>Two pair-interleaved vectors' 64-bit halves interleaved: the low (even) or high (odd) pair of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quad(Vector512<float> x, Vector512<float> y, bool low) =>
        (low ? Avx512F.UnpackLow(x.AsDouble(), y.AsDouble()) : Avx512F.UnpackHigh(x.AsDouble(), y.AsDouble())).AsSingle();

    /// <summary>Rounds 3 and 4: lane L of a, b, c and d (rows 0–3, 4–7, 8–11, 12–15 of one column of each lane) put
    /// together as the output row 4L, stored at dst + 4L·ld.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Columns(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, float* dst, nint ld)
    {
        var ab02 = Avx512F.Shuffle4x128(a, b, 0x88); var ab13 = Avx512F.Shuffle4x128(a, b, 0xDD);
        var cd02 = Avx512F.Shuffle4x128(c, d, 0x88); var cd13 = Avx512F.Shuffle4x128(c, d, 0xDD);
        Vector512.Store(Avx512F.Shuffle4x128(ab02, cd02, 0x88), dst);
        Vector512.Store(Avx512F.Shuffle4x128(ab13, cd13, 0x88), dst + 4 * ld);
        Vector512.Store(Avx512F.Shuffle4x128(ab02, cd02, 0xDD), dst + 8 * ld);
        Vector512.Store(Avx512F.Shuffle4x128(ab13, cd13, 0xDD), dst + 12 * ld);
    }
}
