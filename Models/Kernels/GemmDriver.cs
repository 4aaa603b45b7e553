using System.Runtime.CompilerServices;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The Goto/BLIS loop nest around the micro-kernel, for one thread, and the pieces the team's items run
/// (<see cref="GemmSchedule"/>): the packing of part of a k step of B, and one block of rows of C for one k step.</summary>
/// <remarks>
/// For each NC-wide column block and each KC-deep step: pack the B block, then for each MC×KC block of A pack it and run
/// the tiles. The k steps depend on k only (<see cref="StepDepth"/>), so every element of C sees the same sums in the
/// same order on one thread or on the team.
/// The loops here and in <see cref="GemmPacking"/> are marked AggressiveOptimization, as the micro-kernels are: a short
/// run (an MLP epoch on the shipped digits is ~30 ms) otherwise spends its first epochs in unoptimised tier-0 code
/// (docs/BENCHMARKS.md, "Fast from the first step"). They are plain loops, so tiered PGO had little to give them.
/// </remarks>
internal static unsafe class GemmDriver
{
    private const int MR = GemmBlocking.MR, NR = GemmBlocking.NR, MC = GemmBlocking.MC, KC = GemmBlocking.KC, NC = GemmBlocking.NC;

    /// <summary>Computes the whole product on the calling thread, on <paramref name="workspace"/>'s buffers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in GemmProblem g, GemmWorkspace workspace) => Run(g, workspace, 0, g.N);

    /// <summary>Computes columns <paramref name="from"/>..<paramref name="to"/> of C on the calling thread (from a multiple
    /// of NR): the same k steps, so the same bits as the whole product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in GemmProblem g, GemmWorkspace workspace, int from, int to)
    {
        int m = g.M, k = g.K;
        int kcStep = StepDepth(k);
        int blockWidth = BlockWidth(g);
        float* packedA = workspace.PackedA, packedB = workspace.PackedB;
        for (int jc = from; jc < to; jc += blockWidth)
        {
            int nc = Math.Min(blockWidth, to - jc);
            int colPanels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += kcStep)
            {
                int kc = Math.Min(kcStep, k - pc);
                PackB(g, pc, jc, nc, kc, 0, 1, packedB);
                bool add = g.Accumulate || pc > 0;
                for (int ic = 0; ic < m; ic += MC)
                    Block(g, ic, Math.Min(MC, m - ic), jc, nc, pc, kc, 0, colPanels, packedA, packedB, add);
            }
        }
    }

    /// <summary>The depth of every k step: equal steps of at most KC (784 → 4 × 196, not 3 × 256 + 16), since a short
    /// last step would pay the full cost of loading and storing C for little work. Depends on k only, so the order of
    /// the sums is the same for every thread count and split.</summary>
    public static int StepDepth(int k)
    {
        int depth = (k + KC - 1) / KC;
        return (k + depth - 1) / depth;
    }

    /// <summary>The width of one column block of C: NC, or the gathered operand's own block width.</summary>
    public static int BlockWidth(in GemmProblem g) => g.Gathered.IsSet ? GatheredB.BlockWidth : NC;

    /// <summary>Packs part <paramref name="part"/> of <paramref name="parts"/> of op(B)[pc..pc+kc, jc..jc+nc]: a range of
    /// its k rows (B stored k×n, or gathered) or of its column panels (B stored n×k), so that parts never overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(in GemmProblem g, int pc, int jc, int nc, int kc, int part, int parts, float* packedB)
    {
        if (g.Gathered.IsSet)
            g.Gathered.Pack(pc, jc, nc, kc, kc * part / parts, kc * (part + 1) / parts, packedB);
        else if (g.BPlane > 0)
            GemmPacking.PackBRowsImages(g.B, g.BPlane, (long)g.K * g.BPlane, pc, jc, nc, kc, kc * part / parts, kc * (part + 1) / parts, packedB);
        else if (g.TransB)
        {
            int colPanels = (nc + NR - 1) / NR;
            GemmPacking.PackBColumns(g.B, g.Ldb, pc, jc, nc, kc, colPanels * part / parts, colPanels * (part + 1) / parts, packedB);
        }
        else
            GemmPacking.PackBRows(g.B, g.Ldb, pc, jc, nc, kc, kc * part / parts, kc * (part + 1) / parts, packedB);
    }

    /// <summary>Packs op(A) whole (stored, or as images), step by step, where <see cref="Block"/> reads it when
    /// <see cref="GemmProblem.PackedA"/> is set: step pc at pc·RoundUp(M, MR), its rows' panels one after another.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackWholeA(in GemmProblem g, float* packed)
    {
        int kcStep = StepDepth(g.K), rows = GemmBlocking.RoundUp(g.M, MR);
        for (int pc = 0; pc < g.K; pc += kcStep)
        {
            int kc = Math.Min(kcStep, g.K - pc);
            float* to = packed + (nint)pc * rows;
            if (g.APlane > 0) GemmPacking.PackAImages(g.A, g.APlane, (long)g.M * g.APlane, 0, pc, g.M, kc, to);
            else GemmPacking.PackA(g.TransA, g.A, g.Lda, 0, pc, g.M, kc, to);
        }
    }

    /// <summary>Packs rows ic..ic+mc of A for this k step and runs the tiles of column panels qFrom..qTo.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Block(in GemmProblem g, int ic, int mc, int jc, int nc, int pc, int kc, int qFrom, int qTo,
        float* packedA, float* packedB, bool add)
    {
        // A packed whole before the call (Gemm.PackWhole): step pc's slivers start at pc·RoundUp(M, MR), row ic's at ic·kc.
        if (g.PackedA != null) packedA = g.PackedA + (nint)pc * GemmBlocking.RoundUp(g.M, MR) + (nint)ic * kc;
        else if (g.APlane > 0) GemmPacking.PackAImages(g.A, g.APlane, (long)g.M * g.APlane, ic, pc, mc, kc, packedA);
        else GemmPacking.PackA(g.TransA, g.A, g.Lda, ic, pc, mc, kc, packedA);
        float* c = g.C + (nint)ic * g.Ldc + jc;
        var width = SimdWidth.Current;
        if (width == SimdPath.Vector512)
            WideRows(kc, mc, nc, qFrom, qTo, packedA, packedB, c, g.Ldc, add);
        else
            NarrowColumns(kc, mc, nc, qFrom, qTo, packedA, packedB, c, g.Ldc, add, vectorized: width != SimdPath.Scalar);
    }

    /// <summary>The 512-bit walk: each 12-row sliver pair of packed A (12 KiB at KC = 256) stays in L1 while the column
    /// panels of packed B stream past it from L2 (the packed B block, KC×NC = 1 MiB, fits the 2 MiB L2).</summary>
    /// <remarks>
    /// Why rows outside: the other order (one B panel pair, 32 KiB, held in L1 while the slivers of A stream) leaves
    /// the 48 KiB L1 little room for the A stream and C; on one thread it measured the same at n ≤ 512 and 8–20 % slower
    /// at n = 1024–2048 (docs/BENCHMARKS.md, "GEMM: rows outside").
    /// Tiles: pairs of full column panels run as 12×32 tiles, a lone full panel, or one cut by the edge of C (stored
    /// through a mask), as a 12×16 pair tile; 7–11 rows left cost one such tile that stores only those (the packed block
    /// pads its last sliver with zeros), except that 7 or 8 rows run as 8×32 tiles over pairs of full panels. At most 6
    /// rows run as 6×32 tiles over pairs of full panels; a lone panel after them, or a panel cut by the edge of C, as
    /// 256-bit 6×16 tiles. Every tile gives the same bits (<see cref="GemmMicroKernelWide"/>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WideRows(int kc, int mc, int nc, int qFrom, int qTo, float* packedA, float* packedB, float* c, int ldc, bool add)
    {
        int fullTo = Math.Min(qTo, nc / NR);   // panels not cut by the edge of C
        int pairsTo = GemmMicroKernelWide.ColumnPairs ? qFrom + (Math.Max(0, fullTo - qFrom) & ~1) : qFrom;
        for (int ir = 0; ir < mc; ir += 2 * MR)
        {
            int rows = Math.Min(2 * MR, mc - ir);
            float* a = packedA + (nint)ir * kc, cr = c + (nint)ir * ldc;
            int q = qFrom;
            if (rows > MR)
            {
                bool eight = rows <= 8 && GemmMicroKernelWide.ShortRowTiles;
                for (; q < pairsTo; q += 2)
                    if (eight) GemmMicroKernelWide.Tile8x32(kc, a, packedB + (nint)q * kc * NR, cr + q * NR, ldc, add, rows);
                    else GemmMicroKernelWide.Tile12x32(kc, a, packedB + (nint)q * kc * NR, cr + q * NR, ldc, add, rows);
                for (; q < fullTo; q++)
                    GemmMicroKernelWide.TilePair(kc, a, packedB + (nint)q * kc * NR, cr + q * NR, ldc, add, rows);
                if (GemmMicroKernelWide.MaskedEdges)
                    for (; q < qTo; q++)
                        GemmMicroKernelWide.TilePair(kc, a, packedB + (nint)q * kc * NR, cr + q * NR, ldc, add, rows, nc - q * NR);
            }
            else if (GemmMicroKernelWide.ShortRowTiles)
                for (; q < pairsTo; q += 2)
                    GemmMicroKernelWide.Tile6x32(kc, a, packedB + (nint)q * kc * NR, cr + q * NR, ldc, add, rows);
            for (; q < qTo; q++)
            {
                int nr = Math.Min(NR, nc - q * NR);
                for (int r = 0; r < rows; r += MR)
                    GemmMicroKernel.Tile(kc, a + (nint)r * kc, packedB + (nint)q * kc * NR, cr + (nint)r * ldc + q * NR, ldc,
                        Math.Min(MR, rows - r), nr, add, vectorized: true);
            }
        }
    }

    /// <summary>The 256-bit and scalar walk: each 16-column panel of packed B (16 KiB) stays in L1 while the 6-row
    /// slivers of the packed A block (in L2) stream past it, as tuned on the 2-core Zen machines.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowColumns(int kc, int mc, int nc, int qFrom, int qTo, float* packedA, float* packedB, float* c, int ldc,
        bool add, bool vectorized)
    {
        for (int q = qFrom; q < qTo; q++)
        {
            float* bq = packedB + (nint)q * kc * NR, cq = c + q * NR;
            int nr = Math.Min(NR, nc - q * NR);
            for (int ir = 0; ir < mc; ir += MR)
                GemmMicroKernel.Tile(kc, packedA + (nint)ir * kc, bq, cq + (nint)ir * ldc, ldc, Math.Min(MR, mc - ir), nr, add, vectorized);
        }
    }
}
