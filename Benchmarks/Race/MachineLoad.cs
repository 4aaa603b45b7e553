using System.Diagnostics;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>How busy the machine is, from /proc: this process's CPU time against the whole machine's.</summary>
/// <remarks>
/// Two shared cores make every figure hostage to the neighbours, so a race waits (briefly) for quiet, as the libtorch
/// peer's run.sh does, and reports the cores other processes used while it measured.
/// </remarks>
public sealed class MachineLoad
{
    private readonly long _machineTicks, _selfTicks;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private MachineLoad() => (_machineTicks, _selfTicks) = (MachineBusyTicks(), SelfTicks());

    public static MachineLoad Start() => new();

    /// <summary>Cores used by other processes since <see cref="Start"/> (NaN where /proc is missing).</summary>
    public double OtherCores
    {
        get
        {
            double seconds = _clock.Elapsed.TotalSeconds;
            long machine = MachineBusyTicks() - _machineTicks, self = SelfTicks() - _selfTicks;
            return _machineTicks < 0 ? double.NaN : Math.Max(0, machine - self) / TicksPerSecond / seconds;
        }
    }

    /// <summary>Waits up to <paramref name="maxSeconds"/> for other processes to use under 0.3 cores; returns the last reading.</summary>
    public static double WaitForQuiet(int maxSeconds = 60)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var load = Start();
            Thread.Sleep(2000);
            double other = load.OtherCores;
            if (!(other >= 0.3) || sw.Elapsed.TotalSeconds >= maxSeconds) return other;
        }
    }

    private const double TicksPerSecond = 100.0; // USER_HZ on Linux

    private static long MachineBusyTicks()
    {
        try
        {
            var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // user nice system idle iowait irq softirq steal
            return long.Parse(f[1]) + long.Parse(f[2]) + long.Parse(f[3]) + long.Parse(f[6]) + long.Parse(f[7]) + long.Parse(f[8]);
        }
        catch (IOException) { return -1; }
    }

    private static long SelfTicks()
    {
        try
        {
            string s = File.ReadAllText("/proc/self/stat");
            var f = s[(s.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(f[11]) + long.Parse(f[12]); // utime, stime
        }
        catch (IOException) { return 0; }
    }
}
