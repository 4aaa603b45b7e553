using System.Diagnostics;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The one persistent set of worker threads that every parallel GEMM call shares.</summary>
/// <remarks>
/// Threads are started once and then wait for work (spin briefly, then sleep), so a call starts no thread and
/// allocates nothing. The caller is participant 0 and works from the start; a product is shared through the items of a
/// <see cref="GemmSchedule"/>, a loop (<see cref="For"/>) index by index, the caller's from the first and the
/// partners' from the last (<see cref="LoopsFromEnds"/>). A caller must hold
/// <see cref="Gate"/> for the whole call; a second concurrent caller that cannot get it runs single-threaded instead
/// of queueing behind the first (two teams spinning on two cores would starve each other).
/// </remarks>
internal sealed unsafe class GemmTeam : IDisposable
{
    private readonly GemmBarrier _barrier;
    private readonly GemmWorkspace _shared = new();
    private readonly GemmWorkspace[] _own;
    private int _generation;
    private bool _stopped;

    public GemmTeam(int threads)
    {
        Threads = threads;
        _barrier = new GemmBarrier(threads);
        _own = new GemmWorkspace[threads];
        _own[0] = _shared;
        for (int t = 1; t < threads; t++)
        {
            _own[t] = new GemmWorkspace();
            int id = t;
            new Thread(() => Work(id)) { IsBackground = true, Name = $"gemm-{id}" }.Start();
        }
    }

    private long _workerAllocatedBytes;

    /// <summary>Managed bytes the workers allocated while running their shares of products and loops (tests check it stays 0).</summary>
    public long WorkerAllocatedBytes => Interlocked.Read(ref _workerAllocatedBytes);

    /// <summary>Held by the caller for the duration of one call.</summary>
    public object Gate { get; } = new();

    public int Threads { get; }

    /// <summary>False once disposed: a caller that got the gate of a retired team must not use it.</summary>
    public bool Usable => !_stopped;

    /// <summary>Runs one product on all threads of the team that come to it; the caller holds <see cref="Gate"/>.</summary>
    /// <remarks>The caller takes items of the <see cref="GemmSchedule"/> from the moment it opens the call; a partner that
    /// wakes late takes what is left, and one that wakes after the last item was taken does nothing. The caller closes
    /// the call, then waits only for a partner still inside an item (it may not return while a partner reads the
    /// operands). No back-off: a late partner costs its share of items, not a wait.</remarks>
    public void Run(in GemmProblem g)
    {
        long start = Stopwatch.GetTimestamp();
        foreach (var w in _own) w.EnsureA();
        _schedule.Prepare(g, Threads, _shared);
        if (_schedule.PieceWidth > 0)
        {
            // Each thread packs the B of its pieces into its own buffer, grown here so that no partner allocates.
            int floats = GemmBlocking.PackedBLength(Math.Min(_schedule.PieceWidth, GemmDriver.BlockWidth(g)), g.K);
            foreach (var w in _own) w.EnsureB(floats);
            _counters.PieceCalls++;
        }
        // Each thread packs its own B of every step it works on (the caller's own buffer is the shared one, already
        // grown for two steps); grown here so that no partner allocates.
        else if (_schedule.OwnBFloats > 0)
            foreach (var w in _own) w.EnsureB(_schedule.OwnBFloats);
        int job = _generation + 1;
        Interlocked.Exchange(ref _open, job);
        _barrier.Release(ref _generation, job);   // publishes the plan (full fence) and wakes sleepers
        if (CallerDelay > TimeSpan.Zero) Thread.Sleep(CallerDelay);
        long waited = _schedule.Work(_shared, out int taken);
        Interlocked.Exchange(ref _open, 0);       // no partner joins from here on
        long joined = Stopwatch.GetTimestamp();
        if (Volatile.Read(ref _active) != 0)
        {
            var spinner = new SpinWait();
            while (Volatile.Read(ref _active) != 0) spinner.SpinOnce(sleep1Threshold: -1);
        }
        long end = Stopwatch.GetTimestamp();
        _counters.Calls++;
        _counters.Items += _schedule.Items;
        _counters.CallerItems += taken;
        _counters.CallsAlone += taken == _schedule.Items ? 1 : 0;
        _counters.CallerWaitTicks += waited;
        _counters.JoinTicks += end - joined;
        _counters.ElapsedTicks += end - start;
    }

    /// <summary>For tests: how long a partner sleeps before it joins a product, and the caller after opening one, so
    /// that a test can make either side late (a descheduled thread) and check the bits and the sharing.</summary>
    internal static TimeSpan PartnerDelay, CallerDelay;

    private readonly GemmSchedule _schedule = new();
    private int _open;     // the generation of the product partners may still join; 0 once its caller closed it
    private int _active;   // partners inside a product now
    private GemmTeamCounters _counters;

    /// <summary>What the team's products did so far (a diagnostic for <c>race sgemm</c>; read by the caller's thread).</summary>
    public GemmTeamCounters Counters => _counters;

    private void Strike(long waited, long elapsed)
    {
        // (Loops only.) The caller waited for a third of the call or more, and longer than a sleeping worker takes to wake: a partner
        // was descheduled (another process holds a core). Work alone for a while, longer each time it happens again.
        // (Without the absolute floor, the wake-up after a back-off would itself count, and the team would never return.)
        if (waited * 3 > elapsed && waited > Stopwatch.Frequency / 2000)
        {
            _strikes = Math.Min(_strikes + 1, 6);
            _aloneUntil = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100 << _strikes);
        }
        else _strikes = 0;
    }

    private int _strikes;
    private long _aloneUntil;

    /// <summary>True while the team backs off after loops in which the caller mostly waited for its partners (products
    /// do not strike: see <see cref="Run"/>).</summary>
    public bool BackingOff => Stopwatch.GetTimestamp() < Volatile.Read(ref _aloneUntil);

    /// <summary>Runs one product on the caller's thread alone, on the team's buffers; the caller holds <see cref="Gate"/>.</summary>
    public void RunAlone(in GemmProblem g)
    {
        _shared.EnsureA();
        _shared.EnsureB(GemmBlocking.PackedBLength(g.N, g.K));
        GemmDriver.Run(g, _shared);
    }

    // A loop job (For): its body, its length, and its indices claimed, taken from the front and from the back (BothEnds).
    private Action<int>? _loop;
    private int _loopCount, _loopNext, _loopFront, _loopBack;
    private Exception? _loopFailure;

    /// <summary>Whether a loop's caller takes its indices from the first and the partners from the last (default), so that
    /// loops over the same data in a row give each core the same part of it, which stays in that core's cache; false
    /// hands them out in order to whoever asks (A/B timing: <c>--ab loop-ends</c>; the bits are the same either way).</summary>
    internal static bool LoopsFromEnds { get; set; } = true;

    /// <summary>Runs <paramref name="body"/>(i) for i in [0, count) on all threads of the team, each index claimed by the
    /// first thread that asks (a partner that wakes late takes fewer), the caller's from the first and the partners' from
    /// the last (<see cref="LoopsFromEnds"/>); returns when all are done. The caller holds
    /// <see cref="Gate"/>. The first exception thrown by the body on any thread is rethrown here (as itself, as if the loop had
    /// run on the caller), after every thread has stopped.</summary>
    public void For(int count, Action<int> body)
    {
        _loop = body; _loopCount = count; _loopNext = _loopFront = _loopBack = 0; _loopFailure = null;
        long start = Stopwatch.GetTimestamp();
        _barrier.Release(ref _generation, _generation + 1);
        Drain(front: true);
        long waited = _barrier.SignalAndWait();
        _loop = null;
        Strike(waited, Stopwatch.GetTimestamp() - start);
        if (_loopFailure is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    private void Drain(bool front)
    {
        try
        {
            for (int i; (i = BothEnds.Next(ref _loopNext, ref _loopFront, ref _loopBack, _loopCount, front || !LoopsFromEnds)) >= 0;)
                _loop!(i);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _loopFailure, e, null);
            Volatile.Write(ref _loopNext, _loopCount); // the others stop at their next index
        }
    }

    private void Work(int t)
    {
        int seen = 0;
        while (true)
        {
            _barrier.WaitWhile(ref _generation, seen, IdleSpin);
            seen = Volatile.Read(ref _generation);
            if (Volatile.Read(ref _stopped)) return;
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            if (_loop is not null)
            {
                Drain(front: false);
                Interlocked.Add(ref _workerAllocatedBytes, GC.GetAllocatedBytesForCurrentThread() - allocated);
                _barrier.SignalAndWait();
                continue;
            }
            if (PartnerDelay > TimeSpan.Zero) Thread.Sleep(PartnerDelay);
            Interlocked.Increment(ref _active);
            if (Volatile.Read(ref _open) == seen) _schedule.Work(_own[t], out _);
            Interlocked.Decrement(ref _active);
            Interlocked.Add(ref _workerAllocatedBytes, GC.GetAllocatedBytesForCurrentThread() - allocated);
        }
    }

    /// <summary>How long an idle worker spins for the next job before it sleeps (see <see cref="Gemm.IdleSpin"/>).</summary>
    public TimeSpan IdleSpin { get; set; } = GemmBarrier.Spin;

    /// <summary>Lets the workers end; waits for a call in flight to finish first.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (_stopped) return;
            Volatile.Write(ref _stopped, true);
            _barrier.Release(ref _generation, _generation + 1);
        }
    }
}
