namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// The one thread policy of the kernels: how much work a loop of independent pieces must hold before it is shared
/// between threads (<see cref="Threads"/>), and the one way it is shared, on the GEMM's persistent team, indices
/// handed out as threads ask, one at a time or in short runs of small items (<see cref="Grab"/>), the caller taking
/// them from the first and its partners from the last (<see cref="GemmTeam.LoopsFromEnds"/>).
/// </summary>
/// <remarks>
/// <para>Why one policy: "below a threshold run serially, else Parallel.For" was written seven times with four constants
/// (2¹⁵ floats for im2col, 2¹⁶ for batch norm and the elementwise loops, 2¹⁸ multiply-adds for the direct convolution,
/// 2¹⁸ for the small products). A loop's work is what it reads or writes plus what it multiplies and adds, counted in
/// floats; below <see cref="SerialWork"/> of it, waking a partner (tens of microseconds in a virtual machine) costs more
/// than the partner saves. The GEMM keeps its own threshold (<see cref="Gemm.ParallelThreshold"/>): a product is
/// split inside, not as a loop of pieces.</para>
/// <para>Why not <c>Parallel.For</c>: its pool workers are other threads than the GEMM team's, each sleeping between
/// calls, so a DCGAN step kept waking two sets of helpers and the second core was often late to a loop of four chunks.
/// One team, with one idle spin (<see cref="Gemm.IdleSpin"/>), keeps one helper warm for both. When another caller holds
/// the team, when the team is backing off after the loops waited for a descheduled partner (<see cref="Gemm.AdaptToLoad"/>:
/// loops only; a product never backs off, its late partner just takes fewer items), or with one thread, the caller runs the
/// loop alone.</para>
/// <para>No allocation: the body is a static lambda and what it needs travels in a <c>state</c> value; the delegate
/// handed to the team belongs to a job object cached per state type, so a steady-state training step allocates nothing
/// on any thread. The bits never depend on the threads: every index is computed the same way on whichever takes it.</para>
/// </remarks>
public static class KernelLoop
{
    /// <summary>Work (floats read or written, plus multiply-adds) below which a loop runs on the calling thread.</summary>
    public const long SerialWork = 1 << 16;

    /// <summary>The most threads a loop is shared over: every core <see cref="Environment.ProcessorCount"/> reports, or
    /// fewer for timing (<c>race --threads</c>). 1 keeps every loop on its caller; the bits are the same for any value.</summary>
    public static int MaxThreads
    {
        get => s_maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            s_maxThreads = value;
        }
    }

    private static int s_maxThreads = Environment.ProcessorCount;

    /// <summary>Set to false to share loops through <c>Parallel.For</c> as before (for A/B timing; same bits).</summary>
    public static bool OnTeam { get; set; } = true;

    /// <summary>Threads a loop holding <paramref name="work"/> is shared over: 1 below <see cref="SerialWork"/>, else
    /// <see cref="MaxThreads"/>.</summary>
    public static int Threads(long work) => work < SerialWork ? 1 : MaxThreads;

    /// <summary>Runs <paramref name="body"/>(<paramref name="state"/>, i) for i in [0, <paramref name="count"/>), shared
    /// between <see cref="Threads"/>(<paramref name="work"/>) threads, in runs of <see cref="Grab"/> indices. Allocates
    /// nothing once a state type has run.</summary>
    public static void For<TState>(int count, long work, TState state, Action<TState, int> body)
    {
        if (count <= 0) return;
        if (count > 1 && Threads(work) > 1 && Shared(count, Grab(count, work), state, body)) return;
        for (int i = 0; i < count; i++) body(state, i);
    }

    /// <summary>Work (as <see cref="SerialWork"/> counts it) one hand-out of a shared loop should hold at least.</summary>
    /// <remarks>Each hand-out is an atomic increment on a counter both cores write: about as long as copying a few hundred
    /// floats. Handed out one by one, the 4,096 rows of 64 floats of a U-Net's 4×4 → 2×2 unfold ran slower on two
    /// threads than on one (0.68 against 0.36 ms); in runs of this much work the counter is touched a few dozen times.</remarks>
    public const long GrabWork = 1 << 13;

    /// <summary>Set to false to hand out a shared loop's indices one at a time as before (A/B timing; same bits).</summary>
    public static bool Grabs { get; set; } = true;

    /// <summary>Consecutive indices handed out together: enough for <see cref="GrabWork"/>, but at most a quarter of a
    /// thread's share, so that a late partner still finds work and the shares stay even.</summary>
    internal static int Grab(int count, long work)
    {
        if (!Grabs || work <= 0) return 1;
        long want = (GrabWork * count + work - 1) / work;
        long most = Math.Max(1, count / (4L * MaxThreads));
        return (int)Math.Clamp(want, 1, most);
    }

    /// <summary>Runs <paramref name="body"/>(<paramref name="state"/>, from, to) over [0, <paramref name="count"/>) cut into
    /// at most <paramref name="runs"/> contiguous runs of nearly equal length, shared as <see cref="For{TState}"/> shares
    /// indices: for items that lie side by side in memory (planes, tiles), so that each thread walks long stretches.</summary>
    public static void ForRuns<TState>(int count, int runs, long work, TState state, Action<TState, int, int> body)
    {
        runs = Math.Min(runs, count);
        For(runs, work, (state, body, count, runs), static (t, r) =>
            t.body(t.state, (int)((long)r * t.count / t.runs), (int)((long)(r + 1) * t.count / t.runs)));
    }

    /// <summary>The same for a body that captures what it needs (tests, set-up code): the closure is its caller's allocation.</summary>
    public static void For(int count, long work, Action<int> body) =>
        For(count, work, body, static (b, i) => b(i));

    /// <summary>Runs the loop on several threads and returns true, or returns false when the caller must run it alone.</summary>
    private static bool Shared<TState>(int count, int grab, TState state, Action<TState, int> body)
    {
        if (!OnTeam) return OnPool(count, state, body);
        // Not from inside a loop already on the team (the caller's thread holds its gate, and Monitor would let it in
        // again); a loop inside a loop runs on the thread that took its index, before any job is taken.
        if (Gemm.Threads <= 1 || Gemm.Team() is not { } team || Monitor.IsEntered(team.Gate) || !Monitor.TryEnter(team.Gate))
            return false;
        try
        {
            if (!team.Usable || Gemm.BackingOff(team)) return false;
            var job = Interlocked.Exchange(ref Job<TState>.Cached, null) ?? new Job<TState>();
            job.State = state; job.Body = body; job.Count = count; job.Grab = grab;
            try { team.For((count + grab - 1) / grab, job.Run); }
            finally
            {
                job.State = default!; job.Body = null;
                Job<TState>.Cached = job;
            }
            return true;
        }
        finally { Monitor.Exit(team.Gate); }
    }

    /// <summary>The loop on <c>Parallel.For</c> (A/B timing only). A method of its own: a lambda that captures the
    /// parameters makes its caller allocate their closure on entry, whichever branch runs.</summary>
    private static bool OnPool<TState>(int count, TState state, Action<TState, int> body)
    {
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = MaxThreads }, i => body(state, i));
        return true;
    }

    /// <summary>One loop's body and state, with the delegate the team calls made once per job, not per loop.</summary>
    private sealed class Job<TState>
    {
        // One job per state type, used only by the holder of the team's gate.
        public static Job<TState>? Cached;
        public TState State = default!;
        public Action<TState, int>? Body;
        public int Count, Grab;
        public readonly Action<int> Run;

        public Job() => Run = Invoke;

        // Hand-out k is indices k·Grab … on, each computed as alone: the bits do not depend on who takes them.
        private void Invoke(int k)
        {
            int to = (int)Math.Min(Count, (long)(k + 1) * Grab);
            for (int i = k * Grab; i < to; i++) Body!(State, i);
        }
    }
}
