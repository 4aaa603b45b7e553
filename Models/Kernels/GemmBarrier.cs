using System.Diagnostics;

namespace NeuralPipelines.Models.Kernels;

/// <summary>A reusable barrier for the GEMM team's loops (<see cref="GemmTeam.For"/>) and its wake-up, that spins briefly,
/// then blocks. (Products need no barrier: see <see cref="GemmSchedule"/>.)</summary>
/// <remarks>
/// Spinning alone collapses when another process holds one of the cores (the partner is descheduled and the spinner
/// burns its slice), so after a short spin a waiter sleeps on a monitor. The releaser only takes the lock when someone
/// sleeps: both sides publish with a full fence (Interlocked) before reading the other's flag, so a wake-up is never lost.
/// </remarks>
internal sealed class GemmBarrier(int participants)
{
    private readonly object _gate = new();
    private readonly int _participants = participants;
    private int _remaining = participants;
    private int _phase;
    private int _sleepers;

    /// <summary>How long a waiter spins before it blocks: long enough to cover the imbalance inside one call.</summary>
    public static TimeSpan Spin { get; set; } = TimeSpan.FromMicroseconds(50);

    public int Participants => _participants;

    /// <summary>Arrives and waits until all participants have arrived; returns the Stopwatch ticks spent waiting.</summary>
    public long SignalAndWait()
    {
        int phase = Volatile.Read(ref _phase);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _remaining = _participants;
            Release(ref _phase, phase + 1);
            return 0;
        }
        long start = Stopwatch.GetTimestamp();
        WaitWhile(ref _phase, phase);
        return Stopwatch.GetTimestamp() - start;
    }

    /// <summary>Publishes a new value of a phase-like counter and wakes sleepers of this barrier.</summary>
    public void Release(ref int counter, int value)
    {
        Interlocked.Exchange(ref counter, value);
        if (Volatile.Read(ref _sleepers) > 0)
            lock (_gate) Monitor.PulseAll(_gate);
    }

    /// <summary>Waits until <paramref name="counter"/> differs from <paramref name="seen"/>: spin, then sleep.</summary>
    public void WaitWhile(ref int counter, int seen) => WaitWhile(ref counter, seen, Spin);

    /// <summary>As <see cref="WaitWhile(ref int, int)"/>, spinning for <paramref name="spin"/> before it sleeps.</summary>
    public void WaitWhile(ref int counter, int seen, TimeSpan spin)
    {
        if (Volatile.Read(ref counter) != seen) return;
        long until = Stopwatch.GetTimestamp() + (long)(spin.TotalSeconds * Stopwatch.Frequency);
        do
        {
            Thread.SpinWait(4);
            if (Volatile.Read(ref counter) != seen) return;
        } while (Stopwatch.GetTimestamp() < until);
        lock (_gate)
        {
            Interlocked.Increment(ref _sleepers);
            while (Volatile.Read(ref counter) == seen) Monitor.Wait(_gate);
            Interlocked.Decrement(ref _sleepers);
        }
    }
}
