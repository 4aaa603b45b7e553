using System.Runtime.CompilerServices;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// C[m×n] (+)= A·B with A stored as images (row i of image ν at a + (ν·m + i)·plane, k = ν·plane + pixel, as
/// <see cref="Gemm.MultiplyImagesA"/> reads it) and B never packed: B[k, j] = source[rows[k] + panels[j / 16] + j mod 16],
/// each 16-column panel a run of 16 floats that the 512-bit tiles load straight from the source
/// (<see cref="GemmMicroKernelWide"/>'s tiles through <see cref="PanelRowsInPlace"/>).
/// </summary>
/// <remarks>
/// <para>Why: a convolution's ∂C/∂w = δ·colsᵀ has few rows (the output channels) and a column matrix that
/// <see cref="GatheredB"/> must pack from the image for every product: ResNet-8's 64→64 layer on 7×7 packs 1.8 M
/// floats, each used by 64 rows only, through gathers (3×3 taps of one channel are runs of three), and the product ran at
/// a fifth to a half of the machine's FMA rate. With the image channels-last (<see cref="ChannelsLastImages"/>) and the
/// columns taken as (tap, channel), every panel row is 16 channels of one pixel: one vector load, no packing.</para>
/// <para>Bits: the k steps are <see cref="GemmDriver.StepDepth"/>'s, each added to C as the packed GEMM adds them, and each
/// element is one fused chain per step in the same order, so C is the packed GEMM's float for float whatever the thread
/// count. Threads take contiguous ranges of column pairs, each packing the A steps it needs (A is the small operand here).</para>
/// </remarks>
internal static unsafe class GemmInPlaceB
{
    private const int MR = GemmBlocking.MR, NR = GemmBlocking.NR, MC = GemmBlocking.MC;

    /// <summary>Whether this product runs here: 512-bit tiles, and whole pairs of panels.</summary>
    public static bool Suits(int n) => SimdWidth.Current == SimdPath.Vector512 && n > 0 && n % (2 * NR) == 0;

    // Packed A for one k step of MC rows, per thread, 64-byte aligned (the packers' 8-wide stores run two floats past).
    [ThreadStatic] private static float[]? _packedA;

    /// <summary>C (+)= A·B as described above; <paramref name="accumulate"/> adds to C, else C is overwritten.</summary>
    public static void MultiplyImagesA(int m, int n, int k, ReadOnlySpan<float> a, int aPlane, ReadOnlySpan<float> source,
        ReadOnlySpan<int> rows, ReadOnlySpan<int> panels, Span<float> c, int ldc, bool accumulate)
    {
        if (!Suits(n)) throw new ArgumentException($"GemmInPlaceB takes whole pairs of 16-column panels at 512 bits; got n = {n} at {SimdWidth.Current}.");
        if (m <= 0 || k <= 0) throw new ArgumentException($"GemmInPlaceB needs positive sizes (m={m}, k={k}).");
        GemmArguments.Images(m, k, a.Length, aPlane);
        GemmArguments.Check(false, false, m, n, k, a.Length, k, int.MaxValue, n, c.Length, ldc); // B: the offsets, below
        if (rows.Length < k || panels.Length < n / NR)
            throw new ArgumentException($"GemmInPlaceB of {m}×{n}×{k} needs {k} row and {n / NR} panel offsets; got {rows.Length} row offsets and {panels.Length} panel offsets.");
        // Every panel row must lie inside the source: checked once here, so the tiles need no bounds.
        var (rMin, rMax) = GemmArguments.Range(rows[..k]);
        var (pMin, pMax) = GemmArguments.Range(panels[..(n / NR)]);
        if ((long)rMin + pMin < 0 || (long)rMax + pMax + NR > source.Length)
            throw new ArgumentException($"GemmInPlaceB reads floats {(long)rMin + pMin}..{(long)rMax + pMax + NR - 1} of a {source.Length}-float source.");
        int pairs = n / (2 * NR);
        fixed (float* pa = a, ps = source, pc = c)
        fixed (int* pr = rows, pp = panels)
        {
            var job = new Job(m, k, pa, aPlane, ps, pr, pp, pc, ldc, accumulate, pairs, Parts(pairs));
            KernelLoop.For(job.Parts, 2L * m * n * k, job, static (j, part) => j.Run(part));
        }
    }

    /// <summary>Pieces of the column pairs for the threads: one per thread, but at least four pairs a piece beyond two
    /// pieces. Why: each piece packs all of A for itself (m·k floats, about what one pair's product costs in time on a
    /// 64-row A), so on a machine of many cores a piece of one pair would spend about as long packing as multiplying.</summary>
    internal static int Parts(int pairs) => Math.Min(pairs, Math.Min(KernelLoop.MaxThreads, Math.Max(2, pairs / 4)));

    private readonly struct Job(int m, int k, float* a, int aPlane, float* source, int* rows, int* panels, float* c, int ldc,
        bool accumulate, int pairs, int parts)
    {
        public int Parts => parts;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int part)
        {
            int q0 = pairs * part / parts, q1 = pairs * (part + 1) / parts, step = GemmDriver.StepDepth(k);
            var buffer = Scratch.Ensure(ref _packedA, GemmBlocking.PackedALength + 32);
            fixed (float* pinned = buffer)
            {
                float* packed = pinned + (64 - (nint)pinned % 64) % 64 / sizeof(float);
                for (int pc = 0; pc < k; pc += step)
                {
                    int kc = Math.Min(step, k - pc);
                    bool add = accumulate || pc > 0;
                    for (int ic = 0; ic < m; ic += MC)
                    {
                        int mc = Math.Min(MC, m - ic);
                        GemmPacking.PackAImages(a, aPlane, (long)m * aPlane, ic, pc, mc, kc, packed);
                        for (int q = q0; q < q1; q++)
                            Tiles(kc, mc, packed, source + panels[2 * q], source + panels[2 * q + 1], rows + pc, c + (nint)ic * ldc + q * 2 * NR, ldc, add);
                    }
                }
            }
        }

        /// <summary>One pair of panels down the block's rows: the two panels' rows stay in L1 while the slivers pass.</summary>
        private static void Tiles(int kc, int mc, float* packed, float* first, float* second, int* rows, float* c, int ldc, bool add)
        {
            for (int ir = 0; ir < mc; ir += 2 * MR)
            {
                int r = Math.Min(2 * MR, mc - ir);
                float* ai = packed + (nint)ir * kc, ci = c + (nint)ir * ldc;
                var panels = new PanelRowsInPlace(first, second, rows);
                if (r > 8) GemmMicroKernelWide.Tile12x32(kc, ai, panels, ci, ldc, add, r);
                else if (r > MR) GemmMicroKernelWide.Tile8x32(kc, ai, panels, ci, ldc, add, r);
                else GemmMicroKernelWide.Tile6x32(kc, ai, panels, ci, ldc, add, r);
            }
        }
    }
}
