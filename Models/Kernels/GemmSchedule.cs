using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace NeuralPipelines.Models.Kernels;

/// <summary>One product on the team, cut into work items that the threads take in order from one counter: no barrier,
/// and a partner that comes late (or never) only takes fewer items.</summary>
/// <remarks>
/// <para>Why: the team used to run the loop nest of <see cref="GemmDriver.Run(in GemmProblem, GemmWorkspace)"/> in fixed halves that met at a barrier
/// every k step, so a partner descheduled for a moment stopped the caller, and the team backed off to one thread for whole stretches
/// (docs/BENCHMARKS.md, "GEMM: two threads on every call"). Here every item waits only for the items it reads, and those
/// were taken earlier by a thread that is running them.</para>
/// <para>The items, k step by k step over the column blocks: the packing of op(B) for the step (in
/// <see cref="PackParts"/> parts, into one of two slots of a shared buffer) and its tiles, the step cut into row blocks
/// of C (and, when C has few rows, column groups). The packing of a step is placed just before the last tiles of the
/// step before, so that B is packed shortly before its use, into a slot that stays in cache, and the thread that takes
/// a step's first tile rarely finds it unfinished. A tile item waits until its step is packed and its block of C has
/// had the step before; the packing of a step waits until the tiles of the step two before (the slot's last user) are
/// done. Every element of C still sees the same k steps (<see cref="GemmDriver.StepDepth"/>) in the same order, each an
/// FMA chain of the same tiles, so the bits are those of one thread whoever takes which item.</para>
/// <para>Where each step's row blocks span the whole width (one column group), each thread packs the B of a step itself,
/// into its own buffer, when it takes its first tile of that step (<see cref="ThreadsPackOwnB"/>), and the shared
/// packing items are skipped: a tile then waits only for its block of C. Why: packed once on the team, half of every
/// step's B was written in the other core's cache and crossed over to be read, which cost more than packing it twice.
/// On a Zen 5 (family 26 model 2), sgemm on two threads 270 → 343 GFLOP/s at n = 256, 332 → 372 at n = 512, 360 → 377
/// at n = 1024, while two one-thread processes ran 200 GFLOP/s each side by side (docs/BENCHMARKS.md, seventh session).
/// Then the steps go in order, the caller taking each step's row blocks from the first and a partner from the last
/// (<see cref="FrontAndBack"/>), so that a block of C stays with one core from step to step.</para>
/// <para>A product of at most MC rows (one block of A) is cut into column pieces instead, each the whole loop nest of one
/// thread over its columns: the thread packs the B it reads, in its own cache, and op(A) is packed whole once before the
/// call. Why: cut into row blocks, such a product gave each item a few rows' work for a whole packed step of B, half of
/// it packed on the other core, and m = 64 products ran no faster on two threads than on one (docs/BENCHMARKS.md,
/// "column pieces"). Narrower than two pieces, it keeps the row blocks.</para>
/// <para>Row blocks are a sixteenth of C's rows per thread pair, in whole 12-row sliver pairs (6 below 512 bits), at most
/// MC: small, so that the last items of a call leave little for one thread alone, while each thread still streams the
/// packed B of a step from its L2 for several blocks in a row.</para>
/// </remarks>
internal sealed unsafe class GemmSchedule
{
    private const int MR = GemmBlocking.MR, NR = GemmBlocking.NR, MC = GemmBlocking.MC;

    /// <summary>Whether products of at most MC rows are cut into column pieces (on by default; off for A/B races).</summary>
    internal static bool ColumnPieces { get; set; } = true;

    /// <summary>The narrowest column piece, and pieces per thread: enough that a partner that comes late, or a piece
    /// that runs slow, leaves little for one thread at the end (two per thread measured faster on m = 64 alone, and
    /// slower at n = 512).</summary>
    private const int MinPieceWidth = 64, PiecesPerThread = 4;

    /// <summary>Whether threads pack their own B of each step where the row blocks span the whole width (on by default;
    /// off packs each step once on the team, for A/B races: <c>--ab own-b</c>). Packing copies, so the bits are the same.</summary>
    internal static bool ThreadsPackOwnB { get; set; } = true;

    /// <summary>Parts the packing of one k step is cut into.</summary>
    public const int PackParts = 4;

    // The plan of the current call, written by the caller before it opens the call, read by every thread.
    private GemmProblem _g;
    private int _kcStep, _steps, _blockWidth, _rowHeight, _rowBlocks, _colGroups, _perStep, _packAt, _total, _slotFloats;
    private float* _packedB;
    private int _pieceWidth;   // > 0: the call is cut into column pieces (few rows) instead
    private bool _ownB;        // each thread packs the B of the steps it works on (ThreadsPackOwnB)
    private bool _fromEnds;    // and takes each step's row blocks from its end (FrontAndBack): no pack items at all
    private long _call;        // which call: a thread's own packed B names the call and step it holds

    // Progress, each counter on its own cache line (16 ints apart): the next item to take; for each of the two slots,
    // the packed parts and the finished tile items, counted over the whole call; the steps each chunk of C has had.
    private readonly int[] _next = new int[3 * Line];  // items claimed; pieces taken from the front, from the back
    private readonly int[] _packed = new int[2 * Line];
    private readonly int[] _finished = new int[2 * Line];
    private int[] _progress = new int[Line];
    private const int Line = 16;

    /// <summary>Items the last call was cut into.</summary>
    public int Items => _fromEnds ? _total / (_perStep + PackParts) * _perStep : _total;

    /// <summary>Columns in each piece of the current call (the last may be narrower); 0 when it is cut into row blocks and k steps.</summary>
    public int PieceWidth => _pieceWidth;

    /// <summary>Floats of the B buffer every thread packs its own steps into in the current call, or 0 when the steps'
    /// B is packed once on the team.</summary>
    public int OwnBFloats => _ownB ? _slotFloats : 0;

    /// <summary>Plans one call of <paramref name="g"/> into <paramref name="shared"/>'s B buffer; the caller then opens it.</summary>
    public void Prepare(in GemmProblem g, int threads, GemmWorkspace shared)
    {
        _g = g;
        int m = g.M, n = g.N;
        _next[0] = _next[Line] = _next[2 * Line] = 0;
        _callerWorkspace = shared;
        _pieceWidth = 0;
        _ownB = _fromEnds = false;
        _call++;
        if (SuitsPieces(m, n, g.K))
        {
            PreparePieces(g, threads, shared);
            return;
        }
        _kcStep = GemmDriver.StepDepth(g.K);
        _steps = (g.K + _kcStep - 1) / _kcStep;
        _blockWidth = GemmDriver.BlockWidth(g);
        int blocks = (n + _blockWidth - 1) / _blockWidth;
        int widest = Math.Min(n, _blockWidth);
        _slotFloats = _kcStep * GemmBlocking.RoundUp(widest, NR);

        int unit = SimdWidth.Current == SimdPath.Vector512 ? 2 * MR : MR;
        _rowHeight = Math.Clamp(GemmBlocking.RoundUp((m + 8 * threads - 1) / (8 * threads), unit), unit, MC);
        _rowBlocks = (m + _rowHeight - 1) / _rowHeight;
        int colPanels = (widest + NR - 1) / NR;
        _colGroups = _rowBlocks >= 2 * threads ? 1 : Math.Clamp((4 * threads + _rowBlocks - 1) / _rowBlocks, 1, Math.Max(1, colPanels / 2));

        _perStep = _rowBlocks * _colGroups;
        _ownB = ThreadsPackOwnB && _colGroups == 1;
        _fromEnds = _ownB && FrontAndBack;
        int ends = _fromEnds ? blocks * _steps * Line : 0;
        if (_ends.Length < ends) _ends = new int[ends];
        else Array.Clear(_ends, 0, ends);
        _packAt = Math.Max(0, _perStep - threads);
        _total = checked(blocks * _steps * (_perStep + PackParts));

        shared.EnsureB(2 * _slotFloats);
        _packedB = shared.PackedB;
        _packed[0] = _packed[Line] = 0;
        _finished[0] = _finished[Line] = 0;
        if (_progress.Length < _perStep * Line) _progress = new int[_perStep * Line];
        else Array.Clear(_progress, 0, _perStep * Line);
    }

    /// <summary>Whether a product is cut into column pieces: at most MC rows, at least two pieces wide, and op(A) packed
    /// whole within <see cref="MaxWholeA"/> floats (a ∂C/∂w over a large batch has k in the millions: its row blocks pack
    /// A a block at a time instead).</summary>
    internal static bool SuitsPieces(int m, int n, int k) =>
        ColumnPieces && m <= MC && n >= 2 * MinPieceWidth && Gemm.PackedWholeLength(m, k) <= MaxWholeA;

    /// <summary>The largest op(A) packed whole for column pieces: 16 MiB of floats.</summary>
    internal const int MaxWholeA = 1 << 22;

    /// <summary>Plans a call of at most MC rows as column pieces: op(A) packed whole here, on the caller's thread, once;
    /// then each piece is the one-thread loop nest (<see cref="GemmDriver.Run(in GemmProblem, GemmWorkspace, int, int)"/>)
    /// over its columns, packing its own B on the thread that reads it.</summary>
    private void PreparePieces(in GemmProblem g, int threads, GemmWorkspace shared)
    {
        int pieces = PiecesPerThread * threads;
        _pieceWidth = Math.Max(GemmBlocking.RoundUp((g.N + pieces - 1) / pieces, 2 * NR), MinPieceWidth);
        _total = (g.N + _pieceWidth - 1) / _pieceWidth;
        if (g.PackedA != null) return;
        shared.EnsureWholeA(Gemm.PackedWholeLength(g.M, g.K));
        GemmDriver.PackWholeA(g, shared.WholeA);
        _g = g.WithPackedA(shared.WholeA);
    }

    /// <summary>Takes and runs items until none are left; returns the Stopwatch ticks this thread waited for items taken
    /// by others, and the number of items it ran in <paramref name="taken"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Work(GemmWorkspace own, out int taken)
    {
        long waited = 0;
        taken = 0;
        float* packedA = own.PackedA;
        if (_pieceWidth > 0)
        {
            // Pieces read nothing another item writes: no waits. From both ends (FrontAndBack) the caller takes the
            // first pieces and a partner the last, as the loops share their indices (GemmTeam.LoopsFromEnds).
            bool front = own == _callerWorkspace || !FrontAndBack;
            for (int i; (i = BothEnds.Next(ref _next[0], ref _next[Line], ref _next[2 * Line], _total, front)) >= 0; taken++)
                GemmDriver.Run(_g, own, i * _pieceWidth, Math.Min(_g.N, (i + 1) * _pieceWidth));
            return 0;
        }
        if (_fromEnds) return WorkFromEnds(own, own == _callerWorkspace, ref taken);
        int last = _total / (_perStep + PackParts) - 1;   // the last step of the call, over all column blocks
        for (int i; (i = Interlocked.Increment(ref _next[0]) - 1) < _total; taken++)
        {
            // Which item: the packing of step 0, then for each step u its tiles with the packing of u + 1 before the last.
            int u, index;
            bool pack;
            if (i < PackParts) { pack = true; u = 0; index = i; }
            else
            {
                int j = i - PackParts, span = _perStep + PackParts;
                u = j / span;
                int r = j - u * span;
                if (u == last || r < _packAt) { pack = false; index = r; }
                else if (r < _packAt + PackParts) { pack = true; index = r - _packAt; u++; }
                else { pack = false; index = r - PackParts; }
            }
            int block = u / _steps, step = u - block * _steps, slot = u & 1, use = u >> 1;
            int jc = block * _blockWidth, nc = Math.Min(_blockWidth, _g.N - jc);
            int pc = step * _kcStep, kc = Math.Min(_kcStep, _g.K - pc);
            if (_ownB)
            {
                if (!pack) waited += OwnBTiles(own, u, index, jc, nc, pc, kc); // pack items: the threads pack their own
                continue;
            }
            float* packedB = _packedB + (nint)slot * _slotFloats;
            if (pack)
            {
                // The slot's last user, step u - 2, must be done with it.
                waited += WaitUntil(ref _finished[slot * Line], use * _perStep);
                GemmDriver.PackB(_g, pc, jc, nc, kc, index, PackParts, packedB);
                Interlocked.Increment(ref _packed[slot * Line]);
            }
            else
            {
                waited += WaitUntil(ref _packed[slot * Line], (use + 1) * PackParts);
                waited += WaitUntil(ref _progress[index * Line], u);
                Tiles(index, jc, nc, pc, kc, packedA, packedB);
                Volatile.Write(ref _progress[index * Line], u + 1);
                Interlocked.Increment(ref _finished[slot * Line]);
            }
        }
        return waited;
    }

    /// <summary>Set to false to hand out each step's row blocks in order from one counter (A/B timing; same bits).</summary>
    internal static bool FrontAndBack { get; set; } = true;

    private int[] _ends = new int[Line];
    private GemmWorkspace? _callerWorkspace;

    /// <summary>The steps in order, each step's row blocks taken by the caller from the first and by a partner from the
    /// last, so that a block of C is mostly worked on by the same core step after step (its rows stay in that core's
    /// cache); each thread packs its own B of a step before its first block of it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long WorkFromEnds(GemmWorkspace own, bool front, ref int taken)
    {
        long waited = 0;
        int steps = _total / (_perStep + PackParts);
        for (int u = 0; u < steps; u++)
        {
            int block = u / _steps, step = u - block * _steps;
            int jc = block * _blockWidth, nc = Math.Min(_blockWidth, _g.N - jc);
            int pc = step * _kcStep, kc = Math.Min(_kcStep, _g.K - pc);
            for (int index; (index = BothEnds.Next(ref _ends[u * Line], ref _ends[u * Line + 1], ref _ends[u * Line + 2], _perStep, front)) >= 0; taken++)
                waited += OwnBTiles(own, u, index, jc, nc, pc, kc);
        }
        return waited;
    }

    /// <summary>Block <paramref name="index"/> of step <paramref name="u"/> on this thread's own packed B (packed here if
    /// it holds another step), once the block has had the step before; returns the ticks waited for that.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long OwnBTiles(GemmWorkspace own, int u, int index, int jc, int nc, int pc, int kc)
    {
        if (own.BCall != _call || own.BStep != u)
        {
            GemmDriver.PackB(_g, pc, jc, nc, kc, 0, 1, own.PackedB);
            own.BCall = _call; own.BStep = u;
        }
        long waited = WaitUntil(ref _progress[index * Line], u);
        Tiles(index, jc, nc, pc, kc, own.PackedA, own.PackedB);
        Volatile.Write(ref _progress[index * Line], u + 1);
        return waited;
    }

    /// <summary>One chunk of C (a row block, a column group) for one k step, as <see cref="GemmDriver.Block"/> runs it.</summary>
    private void Tiles(int chunk, int jc, int nc, int pc, int kc, float* packedA, float* packedB)
    {
        int rb = chunk / _colGroups, cg = chunk - rb * _colGroups;
        int ic = rb * _rowHeight, mc = Math.Min(_rowHeight, _g.M - ic);
        int colPanels = (nc + NR - 1) / NR, pairs = colPanels / 2;
        // Column groups end on even panels: a group of odd width would leave a lone panel to the slower 12×16 tile.
        int qFrom = 2 * (pairs * cg / _colGroups), qTo = cg == _colGroups - 1 ? colPanels : 2 * (pairs * (cg + 1) / _colGroups);
        if (qFrom >= qTo) return;
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
