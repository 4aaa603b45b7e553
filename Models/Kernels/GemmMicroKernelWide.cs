using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The 512-bit GEMM tiles (AVX-512), run when <see cref="SimdWidth.Current"/> is <see cref="SimdPath.Vector512"/>:
/// 12×32 (two packed A slivers × two packed B panels), 12×16 (two slivers × one panel), and for a block's last rows 8×32
/// (7 or 8 rows) and 6×32 (at most six).</summary>
/// <remarks>
/// They read the same packed layouts as the 256-bit 6×16 tile (<see cref="GemmMicroKernel"/>): MR = 6 rows of A per
/// sliver, NR = 16 columns of B per panel, one panel row being exactly one <c>Vector512</c>. Each element of C is still
/// one fused multiply-add chain over k in increasing order, so every tile gives the bits of the 6×16 tile.
/// Why 12×32: AVX-512 has 32 vector registers; 24 accumulators + 2 rows of B + 1 broadcast of A use 27 of them without
/// spills, and per k step 24 FMAs need 2 loads of B and 12 broadcasts (the JIT emits each as a <c>vbroadcastss</c> from
/// memory, a load-port operation, into one scratch register; .NET 10 does not fold them into the FMAs). Two 512-bit
/// FMA ports with a latency of 4 need 8 chains in flight; 24 leave room for the loads. Measured against 12×16
/// (12 accumulators, one B load per 12 FMAs) and the 256-bit 6×16 in docs/BENCHMARKS.md (sgemm section).
/// Caches: the driver keeps the two A slivers (12 KiB at KC = 256) in L1 and streams the B panels from L2
/// (<see cref="GemmDriver"/>).
/// The 32-column tiles take B's two panels through an <see cref="IPanelPair"/>: packed (<see cref="PackedPanels"/>, the
/// GEMM's) or read in place row by row (<see cref="PanelRowsInPlace"/>, <see cref="GemmInPlaceB"/>); a struct argument,
/// so each gets its own compiled loop, and the packed one is the loop these tiles had before they were generic.
/// </remarks>
internal static unsafe class GemmMicroKernelWide
{
    private const int MR = GemmBlocking.MR, NR = GemmBlocking.NR;

    /// <summary>Set to false to run 12×16 tiles only (<c>race sgemm --no-column-pairs</c>, the A/B that chose 12×32;
    /// same bits).</summary>
    internal static bool ColumnPairs { get; set; } = true;

    /// <summary>Rows 0..<paramref name="rows"/> (7 to 12) × 32 columns of C from two consecutive packed A slivers
    /// (<paramref name="a"/>) and two consecutive packed B panels (<paramref name="b"/>, each kc×16).</summary>
    /// <param name="rows">Rows of C to store: with fewer than 12 the second sliver's padding rows are computed and dropped.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile12x32(int kc, float* a, float* b, float* c, int ldc, bool add, int rows = 2 * MR) =>
        Tile12x32(kc, a, new PackedPanels(b, kc), c, ldc, add, rows);

    /// <summary><see cref="Tile12x32(int, float*, float*, float*, int, bool, int)"/> with B's two panels read through
    /// <paramref name="b"/> (packed, or in place: <see cref="PanelRowsInPlace"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile12x32<TPanels>(int kc, float* a, TPanels b, float* c, int ldc, bool add, int rows) where TPanels : struct, IPanelPair
    {
        float* a2 = a + (nint)MR * kc;
        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default, c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        Vector512<float> c6a = default, c6b = default, c7a = default, c7b = default, c8a = default, c8b = default, c9a = default, c9b = default, c10a = default, c10b = default, c11a = default, c11b = default;
        for (int p = 0; p < kc; p++)
        {
            b.Load(out var b0, out var b1);
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
            a += MR; a2 += MR; b.Next();
        }
        Store(c, c0a, c0b, add); c += ldc;
        Store(c, c1a, c1b, add); c += ldc;
        Store(c, c2a, c2b, add); c += ldc;
        Store(c, c3a, c3b, add); c += ldc;
        Store(c, c4a, c4b, add); c += ldc;
        Store(c, c5a, c5b, add); c += ldc;
        Store(c, c6a, c6b, add); c += ldc;
        if (rows > 7) Store(c, c7a, c7b, add); c += ldc;
        if (rows > 8) Store(c, c8a, c8b, add); c += ldc;
        if (rows > 9) Store(c, c9a, c9b, add); c += ldc;
        if (rows > 10) Store(c, c10a, c10b, add); c += ldc;
        if (rows > 11) Store(c, c11a, c11b, add);
    }

    /// <summary>Rows 0..<paramref name="rows"/> (7 or 8) × 32 columns of C from two consecutive packed A slivers (all of
    /// the first, two rows of the second) and two consecutive packed B panels: sixteen accumulators.</summary>
    /// <remarks>Why: every power of two from 32 up leaves 4 or 8 rows past a multiple of twelve (32, 128, 512, 2048 leave
    /// 8), and 8 rows ran as a 12×32 tile computing 12: m = 32 did 36 rows' work, m = 128 132. The same fused chain per
    /// element as the other tiles: the same bits.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile8x32(int kc, float* a, float* b, float* c, int ldc, bool add, int rows) =>
        Tile8x32(kc, a, new PackedPanels(b, kc), c, ldc, add, rows);

    /// <summary><see cref="Tile8x32(int, float*, float*, float*, int, bool, int)"/> with B's two panels read through
    /// <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile8x32<TPanels>(int kc, float* a, TPanels b, float* c, int ldc, bool add, int rows) where TPanels : struct, IPanelPair
    {
        float* a2 = a + (nint)MR * kc;
        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default, c3a = default, c3b = default;
        Vector512<float> c4a = default, c4b = default, c5a = default, c5b = default, c6a = default, c6b = default, c7a = default, c7b = default;
        for (int p = 0; p < kc; p++)
        {
            b.Load(out var b0, out var b1);
            Vector512<float> x;
            x = Vector512.Create(a[0]); c0a = Vector512.FusedMultiplyAdd(x, b0, c0a); c0b = Vector512.FusedMultiplyAdd(x, b1, c0b);
            x = Vector512.Create(a[1]); c1a = Vector512.FusedMultiplyAdd(x, b0, c1a); c1b = Vector512.FusedMultiplyAdd(x, b1, c1b);
            x = Vector512.Create(a[2]); c2a = Vector512.FusedMultiplyAdd(x, b0, c2a); c2b = Vector512.FusedMultiplyAdd(x, b1, c2b);
            x = Vector512.Create(a[3]); c3a = Vector512.FusedMultiplyAdd(x, b0, c3a); c3b = Vector512.FusedMultiplyAdd(x, b1, c3b);
            x = Vector512.Create(a[4]); c4a = Vector512.FusedMultiplyAdd(x, b0, c4a); c4b = Vector512.FusedMultiplyAdd(x, b1, c4b);
            x = Vector512.Create(a[5]); c5a = Vector512.FusedMultiplyAdd(x, b0, c5a); c5b = Vector512.FusedMultiplyAdd(x, b1, c5b);
            x = Vector512.Create(a2[0]); c6a = Vector512.FusedMultiplyAdd(x, b0, c6a); c6b = Vector512.FusedMultiplyAdd(x, b1, c6b);
            x = Vector512.Create(a2[1]); c7a = Vector512.FusedMultiplyAdd(x, b0, c7a); c7b = Vector512.FusedMultiplyAdd(x, b1, c7b);
            a += MR; a2 += MR; b.Next();
        }
        Store(c, c0a, c0b, add); c += ldc;
        Store(c, c1a, c1b, add); c += ldc;
        Store(c, c2a, c2b, add); c += ldc;
        Store(c, c3a, c3b, add); c += ldc;
        Store(c, c4a, c4b, add); c += ldc;
        Store(c, c5a, c5b, add); c += ldc;
        Store(c, c6a, c6b, add); c += ldc;
        if (rows > 7) Store(c, c7a, c7b, add);
    }

    /// <summary>Set to false to run a block's last rows as before: at most six as 256-bit 6×16 tiles, 7 or 8 as 12×32 tiles
    /// (A/B: <c>race sgemm-rows</c>, <c>--ab short-rows</c> of the step races; same bits).</summary>
    internal static bool ShortRowTiles { get; set; } = true;

    /// <summary>Rows 0..<paramref name="rows"/> (1 to 6) × 32 columns of C from one packed A sliver and two consecutive
    /// packed B panels: twelve accumulators.</summary>
    /// <remarks>Why: a block whose rows end 1 to 6 past a multiple of twelve (m = 64: five pair slivers and 4 rows; m = 16)
    /// ran its last sliver as 256-bit 6×16 tiles, at half the width, so its 4 rows cost as much time as 12: m = 64 ran as
    /// slowly as m = 72. Twelve chains are enough for two FMA ports with a latency of four. Each element is the same fused
    /// chain over k in increasing order as in the other tiles: the same bits.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6x32(int kc, float* a, float* b, float* c, int ldc, bool add, int rows) =>
        Tile6x32(kc, a, new PackedPanels(b, kc), c, ldc, add, rows);

    /// <summary><see cref="Tile6x32(int, float*, float*, float*, int, bool, int)"/> with B's two panels read through
    /// <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6x32<TPanels>(int kc, float* a, TPanels b, float* c, int ldc, bool add, int rows) where TPanels : struct, IPanelPair
    {
        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default;
        Vector512<float> c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        for (int p = 0; p < kc; p++)
        {
            b.Load(out var b0, out var b1);
            Vector512<float> x;
            x = Vector512.Create(a[0]); c0a = Vector512.FusedMultiplyAdd(x, b0, c0a); c0b = Vector512.FusedMultiplyAdd(x, b1, c0b);
            x = Vector512.Create(a[1]); c1a = Vector512.FusedMultiplyAdd(x, b0, c1a); c1b = Vector512.FusedMultiplyAdd(x, b1, c1b);
            x = Vector512.Create(a[2]); c2a = Vector512.FusedMultiplyAdd(x, b0, c2a); c2b = Vector512.FusedMultiplyAdd(x, b1, c2b);
            x = Vector512.Create(a[3]); c3a = Vector512.FusedMultiplyAdd(x, b0, c3a); c3b = Vector512.FusedMultiplyAdd(x, b1, c3b);
            x = Vector512.Create(a[4]); c4a = Vector512.FusedMultiplyAdd(x, b0, c4a); c4b = Vector512.FusedMultiplyAdd(x, b1, c4b);
            x = Vector512.Create(a[5]); c5a = Vector512.FusedMultiplyAdd(x, b0, c5a); c5b = Vector512.FusedMultiplyAdd(x, b1, c5b);
            a += MR; b.Next();
        }
        Store(c, c0a, c0b, add); c += ldc;
        if (rows > 1) Store(c, c1a, c1b, add); c += ldc;
        if (rows > 2) Store(c, c2a, c2b, add); c += ldc;
        if (rows > 3) Store(c, c3a, c3b, add); c += ldc;
        if (rows > 4) Store(c, c4a, c4b, add); c += ldc;
        if (rows > 5) Store(c, c5a, c5b, add);
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

    /// <summary>Two full tiles stacked (rows 0..12 of C) from two consecutive packed A slivers and one B sliver, in
    /// 512-bit vectors: one B row is one vector, so twelve accumulators cover 12×16.</summary>
    /// <remarks>
    /// On cores with two 512-bit FMA ports (Intel server parts) this doubles the multiply-adds per cycle of the 256-bit
    /// tile; twelve independent accumulator chains are more than the eight that two ports with a latency of four need in
    /// flight. A single 6×16 tile in 512 bits would have only six. Each element is still one fused multiply-add chain over
    /// k in increasing order, so the bits are those of <see cref="GemmMicroKernel.Tile"/>.
    /// </remarks>
    /// <param name="rows">Rows of C to store, 7 to 12: with fewer than 12 the second sliver's padding rows are computed
    /// and dropped. For m = 128 (DCGAN's 128-channel products) the last 8 rows then cost one pair tile instead of a
    /// 256-bit 6-row tile and a padded 256-bit edge tile: 66 instead of 72 tile-cycles per k for the 128 rows.</param>
    /// <param name="cols">Columns of C to store, 1 to 16: a panel cut by the edge of C (packed with zeros past it) is
    /// computed whole and stored through a mask.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TilePair(int kc, float* a, float* b, float* c, int ldc, bool add, int rows = 2 * MR, int cols = NR)
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
        bool cut = cols < NR;
        var mask = cut ? MaskedLanes.First(cols) : default;
        Store(c, c0, add, cut, mask); c += ldc; Store(c, c1, add, cut, mask); c += ldc; Store(c, c2, add, cut, mask); c += ldc;
        Store(c, c3, add, cut, mask); c += ldc; Store(c, c4, add, cut, mask); c += ldc; Store(c, c5, add, cut, mask); c += ldc;
        Store(c, c6, add, cut, mask); c += ldc;
        if (rows > 7) Store(c, c7, add, cut, mask); c += ldc;
        if (rows > 8) Store(c, c8, add, cut, mask); c += ldc;
        if (rows > 9) Store(c, c9, add, cut, mask); c += ldc;
        if (rows > 10) Store(c, c10, add, cut, mask); c += ldc;
        if (rows > 11) Store(c, c11, add, cut, mask);
    }

    /// <summary>A row of C, whole or (<paramref name="cut"/>) only in the lanes of <paramref name="mask"/>: C's row past
    /// the edge is then neither read nor written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> row, bool add, bool cut, Vector512<float> mask)
    {
        if (!cut) { Store(c, row, add); return; }
        if (add) row += Avx512F.MaskLoad(c, mask, Vector512<float>.Zero);
        Avx512F.MaskStore(c, mask, row);
    }

    /// <summary>Set to false to run a panel cut by the edge of C as 256-bit 6×16 tiles, as before (A/B: <c>race
    /// sgemm-rows --ab masked-edges</c>; same bits).</summary>
    internal static bool MaskedEdges { get; set; } = true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> row, bool add)
    {
        if (add) row += Vector512.Load(c);
        Vector512.Store(row, c);
    }
}

/// <summary>Where a 32-column tile finds row p of its two 16-column panels of B, row after row.</summary>
internal interface IPanelPair
{
    /// <summary>The current row of the first and of the second panel.</summary>
    unsafe void Load(out Vector512<float> first, out Vector512<float> second);

    /// <summary>On to the next row.</summary>
    void Next();
}

/// <summary>Two consecutive packed panels (kc rows of 16 floats each, the second right after the first).</summary>
internal unsafe struct PackedPanels(float* b, int kc) : IPanelPair
{
    private float* _first = b, _second = b + (nint)GemmBlocking.NR * kc;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Load(out Vector512<float> first, out Vector512<float> second)
    {
        first = Vector512.Load(_first);
        second = Vector512.Load(_second);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next()
    {
        _first += GemmBlocking.NR;
        _second += GemmBlocking.NR;
    }
}

/// <summary>Two panels read in place (<see cref="GemmInPlaceB"/>): row p of each is the 16 floats at rows[p] past the
/// panel's start in the source.</summary>
internal unsafe struct PanelRowsInPlace(float* first, float* second, int* rows) : IPanelPair
{
    private int* _rows = rows;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Load(out Vector512<float> a, out Vector512<float> b)
    {
        int r = *_rows;
        a = Vector512.Load(first + r);
        b = Vector512.Load(second + r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next() => _rows++;
}
