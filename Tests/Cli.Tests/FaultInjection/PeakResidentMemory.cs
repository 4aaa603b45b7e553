using System.Diagnostics;

namespace NeuralPipelines.Cli.Tests.FaultInjection;

/// <summary>A child process's peak resident memory (Linux's VmHWM, the high-water mark of its RSS), read from
/// /proc/PID/status every few milliseconds while it runs. The mark only rises, so the last reading before the process
/// ends is its peak up to that moment (a growth in its last few milliseconds can be missed; a leak or a header-sized
/// allocation cannot).</summary>
public sealed class PeakResidentMemory : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task polling;
    private long peak;

    private PeakResidentMemory(Process process) => polling = Task.Run(() => Poll(process.Id));

    /// <summary>Starts watching <paramref name="process"/> (null off Linux, where there is no /proc).</summary>
    public static PeakResidentMemory? Watch(Process process) => OperatingSystem.IsLinux() ? new PeakResidentMemory(process) : null;

    /// <summary>The highest VmHWM read, in bytes; call after the process has ended.</summary>
    public long Bytes
    {
        get
        {
            stop.Cancel();
            polling.Wait();
            return Interlocked.Read(ref peak);
        }
    }

    private void Poll(int pid)
    {
        var status = $"/proc/{pid}/status";
        while (!stop.IsCancellationRequested)
        {
            long? kb = Read(status);
            if (kb is null) return; // the process is gone
            if (kb.Value * 1024 > peak) Interlocked.Exchange(ref peak, kb.Value * 1024);
            Thread.Sleep(5);
        }
    }

    private static long? Read(string status)
    {
        try
        {
            foreach (var line in File.ReadLines(status))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim());
            return 0; // a zombie has no memory lines left
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public void Dispose()
    {
        stop.Cancel();
        try { polling.Wait(); } catch (AggregateException) { }
        stop.Dispose();
    }
}
