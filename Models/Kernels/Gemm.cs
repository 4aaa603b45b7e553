namespace NeuralPipelines.Models.Kernels;

/// <summary>Single-precision matrix product, the kernel every dense and convolution layer runs on.</summary>
/// <remarks>
/// Row-major; op(X) is X or Xᵀ. Packed panels, a 6×16 register-blocked FMA micro-kernel (<see cref="GemmMicroKernel"/>)
/// and a persistent team of threads (<see cref="GemmTeam"/>); <see cref="GemmReference"/> is its plain twin.
/// Results are deterministic for a given <see cref="Threads"/> setting and, since each element of C is one fused
/// multiply-add chain over k in a fixed order, identical across thread counts too. Safe to call from several threads:
/// a caller that finds the team busy computes its product alone.
/// </remarks>
public static unsafe class Gemm
{
    private static readonly object s_configure = new();
    private static int s_threads = DefaultThreads;
    private static GemmTeam? s_team;
    [ThreadStatic] private static GemmWorkspace? t_alone;

    /// <summary>The default thread count: every core <see cref="Environment.ProcessorCount"/> reports (issue 14: the cap of
    /// 4 this replaced left cores idle on larger machines). Measured on 2; the threads of a product take its items from one
    /// counter (<see cref="GemmSchedule"/>), so more threads cost one more contender per item, and the small-product
    /// threshold keeps small calls on the caller.</summary>
    public static int DefaultThreads => Math.Max(1, Environment.ProcessorCount);

    /// <summary>Threads one product may use (1 = always on the calling thread).</summary>
    public static int Threads
    {
        get => s_threads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            lock (s_configure)
            {
                if (value == s_threads) return;
                s_threads = value;
                var old = s_team;
                s_team = null;
                old?.Dispose();
            }
        }
    }

    /// <summary>Products with fewer multiply-adds (m·n·k) than this run on the calling thread: waking the team costs more.</summary>
    public static long ParallelThreshold { get; set; } = 1L << 22;

    /// <summary>When true (the default), the team steps back to one thread for a while after a loop
    /// (<see cref="KernelLoop"/>) in which the caller spent a third of its time waiting for its partners: on a shared
    /// machine a partner is often descheduled. Products never back off: a late partner only takes fewer of their items
    /// (<see cref="GemmSchedule"/>). Results are the same bits either way.</summary>
    public static bool AdaptToLoad { get; set; } = true;

    /// <summary>How many calls ran on the thread team (a diagnostic: the rest ran on their calling thread).</summary>
    public static long TeamCalls => Interlocked.Read(ref s_teamCalls);
    private static long s_teamCalls;

    /// <summary>How the team's products were shared so far (zeros before the team starts; for <c>race sgemm</c>).</summary>
    internal static GemmTeamCounters TeamCounters => s_team?.Counters ?? default;

    /// <summary>Managed bytes the team's worker threads allocated inside calls (0 expected; for tests).</summary>
    internal static long WorkerAllocatedBytes => s_team?.WorkerAllocatedBytes ?? 0;

    /// <summary>C[m×n] = op(A)[m×k]·op(B)[k×n] (+ C when <paramref name="accumulate"/>).</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate = false) =>
        Compute(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, mayUseTeam: true);

    /// <summary>C = op(A)·op(B) (+ C) on the calling thread alone, on that thread's own pack buffers: for kernels that
    /// split their work over threads themselves (<see cref="Im2ColChunks"/>); never touches the team. Same bits as
    /// <see cref="Multiply"/>.</summary>
    internal static void MultiplyAlone(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate = false) =>
        Compute(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, mayUseTeam: false);

    /// <summary>Floats <see cref="PackWhole"/> writes for an op(A) of <paramref name="m"/> × <paramref name="k"/>: its
    /// slivers, and the two floats that the last 8-wide transpose of a full sliver stores past them (as the GEMM's own
    /// buffers leave room for; callers size their arrays by this).</summary>
    internal static int PackedWholeLength(int m, int k) => GemmBlocking.RoundUp(m, GemmBlocking.MR) * k + PackOverrun;

    private const int PackOverrun = 2;

    /// <summary>Packs op(A) [m × k] whole, k step by k step (<see cref="GemmDriver.StepDepth"/>), into the panels every
    /// block of <see cref="GemmDriver.Block"/> would pack: for a caller that multiplies the same A by several B
    /// (<see cref="Im2ColChunks"/>: the weights, once per chunk). Packing copies, so the products keep their bits.</summary>
    internal static void PackWhole(bool transA, int m, int k, float* a, int lda, float* packed) =>
        GemmDriver.PackWholeA(new GemmProblem(transA, false, m, 0, k, a, lda, null, 0, null, 0, false), packed);

    /// <summary>C[m×n] = op(A)·op(B) (+ C) on the calling thread alone, with op(A) already packed whole by
    /// <see cref="PackWhole"/> (<paramref name="a"/> and <paramref name="lda"/> are checked, not read). Same bits as
    /// <see cref="MultiplyAlone"/>.</summary>
    internal static void MultiplyAlonePacked(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<float> a, int lda,
        float* packedA, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        GemmArguments.Check(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (Empty(m, n, k, c, ldc, false)) return;
        fixed (float* pa = a, pb = b, pc = c)
            Alone(new GemmProblem(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, false, packedA: packedA));
    }

    /// <summary><see cref="MultiplyImagesB"/> on the calling thread alone with op(A) already packed whole
    /// (<see cref="PackWhole"/>). Same bits.</summary>
    internal static void MultiplyImagesBPacked(bool transA, int m, int n, int k, ReadOnlySpan<float> a, int lda, float* packedA,
        ReadOnlySpan<float> images, int plane, Span<float> c, int ldc)
    {
        GemmArguments.Images(k, n, images.Length, plane, "B");
        GemmArguments.Check(transA, false, m, n, k, a.Length, lda, images.Length, n, c.Length, ldc);
        if (Empty(m, n, k, c, ldc, false)) return;
        fixed (float* pa = a, pb = images, pc = c)
            Alone(new GemmProblem(transA, false, m, n, k, pa, lda, pb, plane, pc, ldc, false, bPlane: plane, packedA: packedA));
    }

    /// <summary>C[m×n] = A·op(B) (+ C) where A [m × k] is δ stored as images [k/P × m × P] (NCHW, P =
    /// <paramref name="plane"/>): A[i, q] = images[(q / P)·m·P + i·P + q % P]. The bits of <see cref="Multiply"/> on
    /// the gathered matrix (<see cref="ColumnLayout.FromImages"/>), which this call does not write. <paramref name="mayUseTeam"/>
    /// false: on the calling thread alone, as <see cref="MultiplyAlone"/>.</summary>
    internal static void MultiplyImagesA(int m, int n, int k, ReadOnlySpan<float> images, int plane, bool transB,
        ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate = false, bool mayUseTeam = true)
    {
        GemmArguments.Images(m, k, images.Length, plane);
        GemmArguments.Check(false, transB, m, n, k, images.Length, k, b.Length, ldb, c.Length, ldc);
        if (Empty(m, n, k, c, ldc, accumulate)) return;
        fixed (float* pa = images, pb = b, pc = c)
            Dispatch(new GemmProblem(false, transB, m, n, k, pa, plane, pb, ldb, pc, ldc, accumulate, aPlane: plane), mayUseTeam);
    }

    /// <summary>C[m×n] = op(A)·B (+ C) where B [k × n] is δ stored as images [n/P × k × P] (NCHW, P =
    /// <paramref name="plane"/>): B[p, q] = images[(q / P)·k·P + p·P + q % P]. The bits of <see cref="Multiply"/> on the
    /// gathered matrix (<see cref="ColumnLayout.FromImages"/>), which this call does not write. <paramref name="mayUseTeam"/>
    /// false: on the calling thread alone, as <see cref="MultiplyAlone"/>.</summary>
    internal static void MultiplyImagesB(bool transA, int m, int n, int k, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> images, int plane, Span<float> c, int ldc, bool accumulate = false, bool mayUseTeam = true)
    {
        GemmArguments.Images(k, n, images.Length, plane, "B");
        GemmArguments.Check(transA, false, m, n, k, a.Length, lda, images.Length, n, c.Length, ldc);
        if (Empty(m, n, k, c, ldc, accumulate)) return;
        fixed (float* pa = a, pb = images, pc = c)
            Dispatch(new GemmProblem(transA, false, m, n, k, pa, lda, pb, plane, pc, ldc, accumulate, bPlane: plane), mayUseTeam);
    }

    private static void Compute(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate, bool mayUseTeam)
    {
        GemmArguments.Check(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (Empty(m, n, k, c, ldc, accumulate)) return;
        fixed (float* pa = a, pb = b, pc = c)
            Dispatch(new GemmProblem(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate), mayUseTeam);
    }

    /// <summary>C[m×n] = op(A)[m×k]·B[k×n] (+ C when <paramref name="accumulate"/>) with B gathered, never stored:
    /// B[p, j] = source[rows[p] + columns[j]] (implicit GEMM, <see cref="GatheredB"/>); <paramref name="kinds"/> holds
    /// <see cref="GatheredB.Classify"/>'s kind of each full 16-column panel of <paramref name="columns"/>. The bits of
    /// <see cref="Multiply"/> on the stored B. <paramref name="aPlane"/> &gt; 0: A is stored as images, as in
    /// <see cref="MultiplyImagesA"/>.</summary>
    internal static void MultiplyGathered(bool transA, int m, int n, int k, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> source, ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, ReadOnlySpan<byte> kinds,
        Span<float> c, int ldc, bool accumulate = false, bool mayUseTeam = true, int aPlane = 0)
    {
        if (aPlane > 0 && transA) throw new ArgumentException("GEMM operand A stored as images cannot be transposed.");
        if (aPlane > 0) GemmArguments.Images(m, k, a.Length, aPlane);
        GemmArguments.Check(transA, false, m, n, k, a.Length, aPlane > 0 ? k : lda, int.MaxValue, n, c.Length, ldc); // B: the offsets, below
        if (rows.Length < k || columns.Length < n || kinds.Length < n / GemmBlocking.NR)
            throw new ArgumentException($"Gathered GEMM operand B ({k}×{n}) needs {k} row and {n} column offsets and {n / GemmBlocking.NR} panel kinds; got {rows.Length}, {columns.Length} and {kinds.Length}.");
        bool readsPast = false;
        if (k > 0 && n > 0)
        {
            // Every offset pair must land inside the source: checked once here, so packing needs no bounds. A two-run
            // panel loads 16 floats from a run's start, which needs 16 floats to spare past the farthest offset.
            var (rMin, rMax) = GemmArguments.Range(rows[..k]);
            var (cMin, cMax) = GemmArguments.Range(columns[..n]);
            if ((long)rMin + cMin < 0 || (long)rMax + cMax >= source.Length)
                throw new ArgumentException($"Gathered GEMM operand B ({k}×{n}) reads offsets {(long)rMin + cMin}..{(long)rMax + cMax} of a {source.Length}-float source.");
            readsPast = (long)rMax + cMax + GemmBlocking.NR <= source.Length;
        }
        if (Empty(m, n, k, c, ldc, accumulate)) return;
        fixed (float* pa = a, ps = source, pc = c)
        fixed (int* pr = rows, pq = columns)
        fixed (byte* pk = kinds)
            Dispatch(new GemmProblem(transA, false, m, n, k, pa, aPlane > 0 ? aPlane : lda, null, n, pc, ldc, accumulate, new GatheredB(ps, pr, pq, pk, readsPast), aPlane), mayUseTeam);
    }

    /// <summary>True when there is nothing to multiply; an empty sum (k = 0) leaves C = 0, or C unchanged when accumulating.</summary>
    private static bool Empty(int m, int n, int k, Span<float> c, int ldc, bool accumulate)
    {
        if (m == 0 || n == 0) return true;
        if (k != 0) return false;
        if (!accumulate) for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
        return true;
    }

    private static void Dispatch(in GemmProblem g, bool mayUseTeam)
    {
        int m = g.M, n = g.N, k = g.K;
        // The team's gate also guards its pack buffers: a caller that holds it computes on them, with the team
        // or alone (small product, or backing off); one that finds it taken uses its own thread's buffers.
        // A caller already inside the team (a KernelLoop body on the caller's thread) must not start it again.
        if (mayUseTeam && s_threads > 1 && Team() is { } team && !Monitor.IsEntered(team.Gate) && Monitor.TryEnter(team.Gate))
        {
            try
            {
                if (team.Usable)
                {
                    // Never backs off (unlike a loop): a partner that comes late only takes fewer items of the product.
                    if ((long)m * n * k >= ParallelThreshold)
                    {
                        team.Run(g);
                        Interlocked.Increment(ref s_teamCalls);
                    }
                    else team.RunAlone(g);
                    return;
                }
            }
            finally { Monitor.Exit(team.Gate); }
        }
        Alone(g);
    }

    /// <summary>How long the team's idle workers spin for the next call before they sleep. Waking a sleeping thread
    /// costs tens of microseconds in a virtual machine, and a partner that wakes late finds the shared loops of
    /// <see cref="KernelLoop"/> mostly done; a spin that covers the gaps between one step's kernels keeps the second
    /// core with the step, at the price of burning it while the step runs serial code.</summary>
    public static TimeSpan IdleSpin
    {
        get => s_idleSpin;
        set
        {
            s_idleSpin = value;
            if (s_team is { } team) team.IdleSpin = value;
        }
    }
    private static TimeSpan s_idleSpin = GemmBarrier.Spin;

    /// <summary>The shared team for the current <see cref="Threads"/>, started on first use; null when single-threaded.</summary>
    internal static GemmTeam? Team()
    {
        var team = s_team;
        if (team is not null) return team;
        lock (s_configure)
        {
            if (s_threads < 2) return null;
            return s_team ??= new GemmTeam(s_threads) { IdleSpin = s_idleSpin };
        }
    }

    /// <summary>True while the team steps back to one thread (see <see cref="AdaptToLoad"/>).</summary>
    internal static bool BackingOff(GemmTeam team) => AdaptToLoad && team.BackingOff;

    private static void Alone(in GemmProblem g)
    {
        var w = t_alone ??= new GemmWorkspace();
        w.EnsureA();
        w.EnsureB(GemmBlocking.PackedBLength(g.N, g.K));
        GemmDriver.Run(g, w);
    }
}
