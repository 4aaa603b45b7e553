using System.Runtime.CompilerServices;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The Goto/BLIS loop nest around the micro-kernel, run by each thread of a team on its share of C.</summary>
/// <remarks>
/// For each NC-wide column block and each KC-deep step: all threads pack the shared B block together, meet at one
/// barrier, then each packs its own MC×KC blocks of A and runs the tiles of its share. B is double-buffered, so the
/// packing of step s+1 may start while a slower thread still reads step s, and one barrier per step is enough.
/// The k steps are the same whatever the thread count, so every element of C sees the same sums in the same order.
/// The loops here and in <see cref="GemmPacking"/> are marked AggressiveOptimization, as the micro-kernels are: a short
/// run (an MLP epoch on the shipped digits is ~30 ms) otherwise spends its first epochs in unoptimised tier-0 code
/// (docs/BENCHMARKS.md, "Fast from the first step"). They are plain loops, so tiered PGO had little to give them.
/// </remarks>
internal static unsafe class GemmDriver
{
    private const int MR = GemmBlocking.MR, NR = GemmBlocking.NR, MC = GemmBlocking.MC, KC = GemmBlocking.KC, NC = GemmBlocking.NC;

    /// <summary>Runs participant <paramref name="t"/> of <paramref name="threads"/>; returns the Stopwatch ticks it waited at barriers.</summary>
    /// <param name="splitRows">Share C by rows (each thread packs its own A) rather than by column panels (small m).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Run(in GemmProblem g, int t, int threads, bool splitRows, GemmWorkspace shared, float* packedA, GemmBarrier? barrier)
    {
        int m = g.M, n = g.N, k = g.K;
        int rowPanels = (m + MR - 1) / MR;
        int rowFrom = Math.Min(m, rowPanels * t / threads * MR), rowTo = Math.Min(m, rowPanels * (t + 1) / threads * MR);
        // Equal k steps of at most KC (784 → 4 × 196, not 3 × 256 + 16): a short last step would pay the full cost of
        // loading and storing C for little work. Depends on k only, so the summation order stays fixed.
        int depth = (k + KC - 1) / KC;
        int kcStep = (k + depth - 1) / depth;
        int step = 0;
        long waited = 0;
        int blockWidth = g.Gathered.IsSet ? GatheredB.BlockWidth : NC;
        for (int jc = 0; jc < n; jc += blockWidth)
        {
            int nc = Math.Min(blockWidth, n - jc);
            int colPanels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += kcStep, step++)
            {
                int kc = Math.Min(kcStep, k - pc);
                float* packedB = shared.PackedB(step);
                if (g.Gathered.IsSet)
                    g.Gathered.Pack(pc, jc, nc, kc, kc * t / threads, kc * (t + 1) / threads, packedB);
                else if (g.TransB)
                    GemmPacking.PackBColumns(g.B, g.Ldb, pc, jc, nc, kc, colPanels * t / threads, colPanels * (t + 1) / threads, packedB);
                else
                    GemmPacking.PackBRows(g.B, g.Ldb, pc, jc, nc, kc, kc * t / threads, kc * (t + 1) / threads, packedB);
                if (barrier is not null) waited += barrier.SignalAndWait();

                bool add = g.Accumulate || pc > 0;
                if (splitRows)
                {
                    for (int ic = rowFrom; ic < rowTo; ic += MC)
                        Block(g, ic, Math.Min(MC, rowTo - ic), jc, nc, pc, kc, 0, colPanels, packedA, packedB, add);
                }
                else
                {
                    int qFrom = colPanels * t / threads, qTo = colPanels * (t + 1) / threads;
                    if (qFrom == qTo) continue;
                    for (int ic = 0; ic < m; ic += MC)
                        Block(g, ic, Math.Min(MC, m - ic), jc, nc, pc, kc, qFrom, qTo, packedA, packedB, add);
                }
            }
        }
        return waited;
    }

    /// <summary>Packs rows ic..ic+mc of A for this k step and runs the tiles of column panels qFrom..qTo.</summary>
    /// <remarks>At 512 bits, pairs of full column panels run as 12×32 tiles and a lone full panel as 12×16 pair tiles;
    /// 7–11 rows left cost one such tile that stores only those (the packed block pads its last sliver with zeros), which
    /// is cheaper than a 256-bit tile plus a padded 256-bit edge tile. What is left (at most 6 rows, or a panel cut by the
    /// edge of C) runs as 256-bit 6×16 tiles. Every tile gives the same bits (<see cref="GemmMicroKernelWide"/>).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block(in GemmProblem g, int ic, int mc, int jc, int nc, int pc, int kc, int qFrom, int qTo,
        float* packedA, float* packedB, bool add)
    {
        GemmPacking.PackA(g.TransA, g.A, g.Lda, ic, pc, mc, kc, packedA);
        int ldc = g.Ldc;
        var width = SimdWidth.Current;
        bool wide = width == SimdPath.Vector512, vectorized = width != SimdPath.Scalar;
        int fullPanels = nc / NR;   // panels not cut by the edge of C
        for (int q = qFrom; q < qTo;)
        {
            float* bq = packedB + (nint)q * kc * NR;
            float* cq = g.C + (nint)ic * ldc + jc + q * NR;
            int ir = 0;
            if (wide && q + 2 <= Math.Min(qTo, fullPanels) && GemmMicroKernelWide.ColumnPairs)
            {
                for (; ir + 2 * MR <= mc; ir += 2 * MR)
                    GemmMicroKernelWide.Tile12x32(kc, packedA + (nint)ir * kc, bq, cq + (nint)ir * ldc, ldc, add);
                if (mc - ir > MR)
                {
                    GemmMicroKernelWide.Tile12x32(kc, packedA + (nint)ir * kc, bq, cq + (nint)ir * ldc, ldc, add, rows: mc - ir);
                    ir = mc;
                }
                for (; ir < mc; ir += MR)
                {
                    GemmMicroKernel.Tile(kc, packedA + (nint)ir * kc, bq, cq + (nint)ir * ldc, ldc, Math.Min(MR, mc - ir), NR, add, vectorized);
                    GemmMicroKernel.Tile(kc, packedA + (nint)ir * kc, bq + (nint)kc * NR, cq + (nint)ir * ldc + NR, ldc, Math.Min(MR, mc - ir), NR, add, vectorized);
                }
                q += 2;
                continue;
            }
            int nr = Math.Min(NR, nc - q * NR);
            if (wide && nr == NR)
            {
                for (; ir + 2 * MR <= mc; ir += 2 * MR)
                    GemmMicroKernelWide.TilePair(kc, packedA + (nint)ir * kc, bq, cq + (nint)ir * ldc, ldc, add);
                if (mc - ir > MR)
                {
                    GemmMicroKernelWide.TilePair(kc, packedA + (nint)ir * kc, bq, cq + (nint)ir * ldc, ldc, add, rows: mc - ir);
                    ir = mc;
                }
            }
            for (; ir < mc; ir += MR)
                GemmMicroKernel.Tile(kc, packedA + (nint)ir * kc, bq, cq + (nint)ir * ldc, ldc, Math.Min(MR, mc - ir), nr, add, vectorized);
            q++;
        }
    }
}
