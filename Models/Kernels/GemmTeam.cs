using System.Diagnostics;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The one persistent set of worker threads that every parallel GEMM call shares.</summary>
/// <remarks>
/// Threads are started once and then wait for work (spin briefly, then sleep), so a call starts no thread and
/// allocates nothing. The caller is participant 0 and does its share of the work itself. A caller must hold
/// <see cref="Gate"/> for the whole call; a second concurrent caller that cannot get it runs single-threaded instead
/// of queueing behind the first (two teams spinning on two cores would starve each other).
/// </remarks>
internal sealed unsafe class GemmTeam : IDisposable
{
    private readonly GemmBarrier _barrier;
    private readonly GemmWorkspace _shared = new(doubleBuffered: true);
    private readonly GemmWorkspace[] _own;
    private int _generation;
    private bool _stopped;
    private GemmProblem _job;
    private bool _splitRows;

    public GemmTeam(int threads)
    {
        Threads = threads;
        _barrier = new GemmBarrier(threads);
        _own = new GemmWorkspace[threads];
        _own[0] = _shared;
        for (int t = 1; t < threads; t++)
        {
            _own[t] = new GemmWorkspace(doubleBuffered: false);
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

    /// <summary>Runs one product on all threads of the team; the caller holds <see cref="Gate"/>.</summary>
    public void Run(in GemmProblem g, bool splitRows)
    {
        _shared.EnsureB(GemmBlocking.PackedBLength(g.N, g.K));
        foreach (var w in _own) w.EnsureA();
        _job = g;
        _splitRows = splitRows;
        long start = Stopwatch.GetTimestamp();
        _barrier.Release(ref _generation, _generation + 1);   // publishes the job (full fence) and wakes sleepers
        long waited = GemmDriver.Run(g, 0, Threads, splitRows, _shared, _shared.PackedA, _barrier);
        waited += _barrier.SignalAndWait();                    // every share written: the caller may return
        long elapsed = Stopwatch.GetTimestamp() - start;

        Strike(waited, elapsed);
    }

    private void Strike(long waited, long elapsed)
    {
        // The caller waited for a third of the call or more, and longer than a sleeping worker takes to wake: a partner
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

    /// <summary>True while the team backs off after calls in which the caller mostly waited for its partners.</summary>
    public bool BackingOff => Stopwatch.GetTimestamp() < Volatile.Read(ref _aloneUntil);

    /// <summary>Runs one product on the caller's thread alone, on the team's buffers; the caller holds <see cref="Gate"/>.</summary>
    public void RunAlone(in GemmProblem g)
    {
        _shared.EnsureA();
        _shared.EnsureB(GemmBlocking.PackedBLength(g.N, g.K));
        GemmDriver.Run(g, 0, 1, splitRows: true, _shared, _shared.PackedA, barrier: null);
    }

    // A loop job (For): its body, its length, and the next index to hand out.
    private Action<int>? _loop;
    private int _loopCount, _loopNext;
    private Exception? _loopFailure;

    /// <summary>Runs <paramref name="body"/>(i) for i in [0, count) on all threads of the team, each index handed to the
    /// first thread that asks (a partner that wakes late takes fewer); returns when all are done. The caller holds
    /// <see cref="Gate"/>. The first exception thrown by the body on any thread is rethrown here (as itself, as if the loop had
    /// run on the caller), after every thread has stopped.</summary>
    public void For(int count, Action<int> body)
    {
        _loop = body; _loopCount = count; _loopNext = 0; _loopFailure = null;
        long start = Stopwatch.GetTimestamp();
        _barrier.Release(ref _generation, _generation + 1);
        Drain();
        long waited = _barrier.SignalAndWait();
        _loop = null;
        Strike(waited, Stopwatch.GetTimestamp() - start);
        if (_loopFailure is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    private void Drain()
    {
        try
        {
            for (int i; (i = Interlocked.Increment(ref _loopNext) - 1) < _loopCount;) _loop!(i);
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
                Drain();
                Interlocked.Add(ref _workerAllocatedBytes, GC.GetAllocatedBytesForCurrentThread() - allocated);
                _barrier.SignalAndWait();
                continue;
            }
            GemmDriver.Run(_job, t, Threads, _splitRows, _shared, _own[t].PackedA, _barrier);
            Interlocked.Add(ref _workerAllocatedBytes, GC.GetAllocatedBytesForCurrentThread() - allocated);
            _barrier.SignalAndWait();
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
