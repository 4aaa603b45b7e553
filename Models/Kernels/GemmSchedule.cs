using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace NeuralPipelines.Models.Kernels;

/// <summary>One product on the team, cut into work items that the threads take in order from one counter: no barrier,
/// and a partner that comes late (or never) only takes fewer items.</summary>
/// <remarks>
/// <para>Why: the team used to run the loop nest of <see cref="GemmDriver.Run"/> in fixed halves that met at a barrier
/// every k step, so a partner descheduled for a moment stopped the caller, and the team backed off to one thread for whole stretches
/// (docs/BENCHMARKS.md, "GEMM: two threads on every call"). Here every item waits only for the items it reads, and those
/// were taken earlier by a thread that is running them.</para>
/// <para>The items, group by group: first the packing of op(B) for a run of k steps of one column block (each step in
/// <see cref="PackParts"/> parts, into its own slot of one shared buffer of at most <see cref="GroupFloats"/> floats),
/// then the tiles, k step by k step, each step cut into row blocks of C (and, when C has few rows, column groups). A
/// tile item waits until its step is packed and its block of C has had the step before; the packing of the next group
/// waits until the tiles of this one are done (it reuses the buffer). Every element of C still sees the same k steps
/// (<see cref="GemmDriver.StepDepth"/>) in the same order, each an FMA chain of the same tiles, so the bits are those
/// of one thread whoever takes which item.</para>
/// <para>Row blocks are a sixteenth of C's rows per thread pair, in whole 12-row sliver pairs (6 below 512 bits), at most
/// MC: small, so that the last items of a call leave little for one thread alone, while each thread still streams the
/// packed B of a step from its L2 for several blocks in a row.</para>
/// </remarks>
internal sealed unsafe class GemmSchedule
{
    private const int MR = GemmBlocking.MR, NR = GemmBlocking.NR, MC = GemmBlocking.MC;

    /// <summary>Parts the packing of one k step is cut into.</summary>
    public const int PackParts = 4;

    /// <summary>Most floats of packed B one group holds (8 MiB: n = 2048, k = 2048 packs a column block's whole depth at once).</summary>
    public static int GroupFloats { get; set; } = 1 << 21;

    // The plan of the current call, written by the caller before it opens the call, read by every thread.
    private GemmProblem _g;
    private int _kcStep, _steps, _blockWidth, _stepGroups, _groupSteps, _rowHeight, _rowBlocks, _colGroups;
    private int _packItems, _tileItems, _perGroup, _total, _slotFloats;
    private float* _packedB;

    // Progress, each counter on its own cache line (16 ints apart): the next item to take; the packed parts of each step
    // slot and the tile items finished, both counted over the whole call; the steps each chunk of C has had.
    private readonly int[] _next = new int[16];
    private readonly int[] _finished = new int[16];
    private int[] _packed = new int[16];
    private int[] _progress = new int[16];
    private const int Line = 16;

    /// <summary>Items the last call was cut into.</summary>
    public int Items => _total;

    /// <summary>Plans one call of <paramref name="g"/> into <paramref name="shared"/>'s B buffer; the caller then opens it.</summary>
    public void Prepare(in GemmProblem g, int threads, GemmWorkspace shared)
    {
        _g = g;
        int m = g.M, n = g.N;
        _kcStep = GemmDriver.StepDepth(g.K);
        _steps = (g.K + _kcStep - 1) / _kcStep;
        _blockWidth = GemmDriver.BlockWidth(g);
        int blocks = (n + _blockWidth - 1) / _blockWidth;
        int widest = Math.Min(n, _blockWidth);
        _slotFloats = _kcStep * GemmBlocking.RoundUp(widest, NR);
        _groupSteps = Math.Clamp(GroupFloats / _slotFloats, 1, _steps);
        _stepGroups = (_steps + _groupSteps - 1) / _groupSteps;

        int unit = SimdWidth.Current == SimdPath.Vector512 ? 2 * MR : MR;
        _rowHeight = Math.Clamp(GemmBlocking.RoundUp((m + 8 * threads - 1) / (8 * threads), unit), unit, MC);
        _rowBlocks = (m + _rowHeight - 1) / _rowHeight;
        int colPanels = (widest + NR - 1) / NR;
        _colGroups = _rowBlocks >= 2 * threads ? 1 : Math.Clamp((4 * threads + _rowBlocks - 1) / _rowBlocks, 1, Math.Max(1, colPanels / 2));

        _packItems = _groupSteps * PackParts;
        _tileItems = _groupSteps * _rowBlocks * _colGroups;
        _perGroup = _packItems + _tileItems;
        _total = checked(blocks * _stepGroups * _perGroup);

        shared.EnsureB(_groupSteps * _slotFloats);
        _packedB = shared.PackedB;
        Reset(ref _packed, _groupSteps);
        Reset(ref _progress, _rowBlocks * _colGroups);
        _next[0] = 0;
        _finished[0] = 0;
    }

    /// <summary>Zeroes <paramref name="count"/> padded counters, growing the array when a call needs more (then reused).</summary>
    private static void Reset(ref int[] counters, int count)
    {
        if (counters.Length < count * Line) counters = new int[count * Line];
        else Array.Clear(counters, 0, count * Line);
    }

    /// <summary>Takes and runs items until none are left; returns the Stopwatch ticks this thread waited for items taken
    /// by others, and the number of items it ran in <paramref name="taken"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Work(float* packedA, out int taken)
    {
        long waited = 0;
        taken = 0;
        for (int i; (i = Interlocked.Increment(ref _next[0]) - 1) < _total; taken++)
        {
            int group = i / _perGroup, local = i - group * _perGroup;
            int block = group / _stepGroups, firstStep = group % _stepGroups * _groupSteps;
            int jc = block * _blockWidth, nc = Math.Min(_blockWidth, _g.N - jc);
            if (local < _packItems)
            {
                int slot = local / PackParts, part = local - slot * PackParts, step = firstStep + slot;
                // The slot's previous contents belong to the previous group's tiles.
                waited += WaitUntil(ref _finished[0], group * _tileItems);
                if (step < _steps)
                {
                    int pc = step * _kcStep;
                    GemmDriver.PackB(_g, pc, jc, nc, Math.Min(_kcStep, _g.K - pc), part, PackParts, _packedB + (nint)slot * _slotFloats);
                }
                Interlocked.Increment(ref _packed[slot * Line]);
            }
            else
            {
                int tile = local - _packItems, perStep = _rowBlocks * _colGroups;
                int slot = tile / perStep, chunk = tile - slot * perStep, step = firstStep + slot;
                waited += WaitUntil(ref _packed[slot * Line], (group + 1) * PackParts);
                waited += WaitUntil(ref _progress[chunk * Line], group * _groupSteps + slot);
                if (step < _steps) Tiles(chunk, step, jc, nc, packedA, _packedB + (nint)slot * _slotFloats);
                Volatile.Write(ref _progress[chunk * Line], group * _groupSteps + slot + 1);
                Interlocked.Increment(ref _finished[0]);
            }
        }
        return waited;
    }

    /// <summary>One chunk of C (a row block, a column group) for one k step, as <see cref="GemmDriver.Block"/> runs it.</summary>
    private void Tiles(int chunk, int step, int jc, int nc, float* packedA, float* packedB)
    {
        int rb = chunk / _colGroups, cg = chunk - rb * _colGroups;
        int ic = rb * _rowHeight, mc = Math.Min(_rowHeight, _g.M - ic);
        int colPanels = (nc + NR - 1) / NR, pairs = colPanels / 2;
        // Column groups end on even panels: a group of odd width would leave a lone panel to the slower 12×16 tile.
        int qFrom = 2 * (pairs * cg / _colGroups), qTo = cg == _colGroups - 1 ? colPanels : 2 * (pairs * (cg + 1) / _colGroups);
        if (qFrom >= qTo) return;
        int pc = step * _kcStep, kc = Math.Min(_kcStep, _g.K - pc);
        GemmDriver.Block(_g, ic, mc, jc, nc, pc, kc, qFrom, qTo, packedA, packedB, _g.Accumulate || pc > 0);
    }

    /// <summary>Waits until a counter reaches <paramref name="target"/> (the item it stands for runs on another thread
    /// now): spins, then yields, never sleeps on a lock. Returns the Stopwatch ticks waited.</summary>
    private static long WaitUntil(ref int counter, int target)
    {
        if (Volatile.Read(ref counter) >= target) return 0;
        long start = Stopwatch.GetTimestamp();
        var spinner = new SpinWait();
        while (Volatile.Read(ref counter) < target) spinner.SpinOnce(sleep1Threshold: -1);
        return Stopwatch.GetTimestamp() - start;
    }
}
