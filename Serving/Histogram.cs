using System.Globalization;

namespace NeuralPipelines.Serving;

/// <summary>A Prometheus histogram: counts of observations at or below each bound, their sum and count; safe to observe
/// from any thread (one interlocked add per observation, no lock).</summary>
public sealed class Histogram(string name, string help, double[] bounds)
{
    private readonly long[] _counts = new long[bounds.Length + 1];
    private long _sumBits;

    public string Name { get; } = name;

    public IReadOnlyList<double> Bounds { get; } = bounds;

    public long Count
    {
        get
        {
            long n = 0;
            for (int i = 0; i < _counts.Length; i++) n += Interlocked.Read(ref _counts[i]);
            return n;
        }
    }

    public double Sum => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits));

    public void Observe(double value)
    {
        int i = 0;
        while (i < bounds.Length && value > bounds[i]) i++;
        Interlocked.Increment(ref _counts[i]);
        // A double has no interlocked add: compare-and-swap its bits.
        long seen, next;
        do
        {
            seen = Interlocked.Read(ref _sumBits);
            next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
        } while (Interlocked.CompareExchange(ref _sumBits, next, seen) != seen);
    }

    /// <summary>The text exposition: cumulative <c>_bucket{le=...}</c> lines, then <c>_sum</c> and <c>_count</c>.</summary>
    public void Write(TextWriter w)
    {
        w.Write($"# HELP {Name} {help}\n# TYPE {Name} histogram\n");
        long cumulative = 0;
        for (int i = 0; i <= bounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _counts[i]);
            var le = i < bounds.Length ? bounds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
            w.Write($"{Name}_bucket{{le=\"{le}\"}} {cumulative}\n");
        }
        w.Write($"{Name}_sum {Sum.ToString("R", CultureInfo.InvariantCulture)}\n{Name}_count {cumulative}\n");
    }
}
