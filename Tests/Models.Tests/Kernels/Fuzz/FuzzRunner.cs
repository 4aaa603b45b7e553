using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels.Fuzz;

/// <summary>Runs one fuzz case's routes at every SIMD width this machine has, on one thread and on two: each one-thread
/// result against the definition's (within <c>tolerance</c>·Σ|terms| per element), nothing written outside its output or
/// into its inputs, and the two-thread bits equal to the one-thread bits at the same width.</summary>
/// <remarks>One thread: <see cref="KernelLoop.MaxThreads"/> 1 and no product large enough for the GEMM's team. Two: both
/// shared over two threads, every product on the team (<see cref="Gemm.ParallelThreshold"/> 1, no backing off), as
/// <c>TwinSweep</c> does. Callers hold the GEMM's collection and open a <see cref="KernelSettingsScope"/> with two
/// threads around their cases.</remarks>
public static class FuzzRunner
{
    /// <summary>Runs, per route and width, and failures (at most one per route).</summary>
    public sealed class Tally
    {
        public Dictionary<string, int> Runs { get; } = [];
        public List<string> Failures { get; } = [];

        /// <summary>What held but was not required: a chooser's output differing between widths.</summary>
        public List<string> Notes { get; } = [];

        /// <summary>How many notes of each kind (route and pair of widths).</summary>
        public Dictionary<string, int> NoteCounts { get; } = [];

        public void Note(string kind, string note)
        {
            Notes.Add(note);
            NoteCounts[kind] = NoteCounts.GetValueOrDefault(kind) + 1;
        }

        public void Count(string route, SimdPath width)
        {
            string key = $"{route} @{width}";
            Runs[key] = Runs.GetValueOrDefault(key) + 1;
        }

        public string Summary() => string.Join(Environment.NewLine, Runs.OrderBy(r => r.Key).Select(r => $"  {r.Key}: {r.Value}"));
    }

    /// <param name="twin">The definition's value of each product.</param>
    /// <param name="scale">Σ|terms| behind each element of each product (the definition on absolute values).</param>
    /// <param name="tolerances">Per product.</param>
    /// <param name="sameAcrossWidths">Products whose bits must not depend on the width (each route's own bits compared
    /// between widths).</param>
    public static void Run(string name, IReadOnlyList<FuzzRoute> routes, float[][] twin, float[][] scale, double[] tolerances,
        Tally tally, ISet<int>? sameAcrossWidths = null)
    {
        var previousBits = new Dictionary<string, (SimdPath Width, float[] Bits)>();
        foreach (var width in SimdWidth.AvailablePaths)
        {
            using var _ = SimdWidth.Use(width);
            foreach (var route in routes)
            {
                if (FuzzRun.Route is { } only && !route.Name.Contains(only, StringComparison.Ordinal)) continue;
                string where = $"{name}: {route.Name} at {width}";
                try
                {
                    if (!route.Takes()) continue;
                    tally.Count(route.Name, width);
                    var (one, oneProblem) = OnThreads(1, route);
                    string? failure = oneProblem is { } p1 ? $"one thread: {p1}"
                        : Difference(twin[route.Product], scale[route.Product], tolerances[route.Product], one) is { } d ? $"one thread: {d}"
                        : null;
                    if (failure is null)
                    {
                        var (two, twoProblem) = OnThreads(2, route);
                        failure = twoProblem is { } p2 ? $"two threads: {p2}" : Bits(one, two) is { } b ? $"two threads differ from one at {b}" : null;
                    }
                    if (failure is null && sameAcrossWidths?.Contains(route.Product) == true)
                    {
                        // Each width against the one before it.
                        if (previousBits.TryGetValue(route.Name, out var previous) && Bits(previous.Bits, one) is { } b)
                        {
                            if (route.PicksByWidth) tally.Note($"{route.Name}: {width} against {previous.Width}", $"{where}: differs from {previous.Width} at {b}");
                            else failure = $"differs from {previous.Width} at {b}";
                        }
                        previousBits[route.Name] = (width, one);
                    }
                    if (failure is not null) tally.Failures.Add($"{where}, {failure}");
                }
                catch (Exception e)
                {
                    tally.Failures.Add($"{where} threw {e.GetType().Name}: {e.Message}{Environment.NewLine}{e.StackTrace}");
                }
            }
        }
    }

    private static (float[] Values, string? Problem) OnThreads(int threads, FuzzRoute route)
    {
        using var settings = new KernelSettingsScope(parallelThreshold: threads == 1 ? long.MaxValue : 1, loopThreads: threads);
        var call = new FuzzCall();
        route.Run(call);
        return (call.Result?.ToArray() ?? [], call.Check());
    }

    private static string? Difference(float[] twin, float[] scale, double tolerance, float[] fast)
    {
        if (twin.Length != fast.Length) return $"{fast.Length} values, definition {twin.Length}";
        for (int i = 0; i < twin.Length; i++)
        {
            float t = twin[i], f = fast[i];
            if (float.IsNaN(t) && float.IsNaN(f)) continue; // the definition's own NaN (an unbiased variance of one value)
            double bound = tolerance * (scale[i] + 1e-30);
            if (!(Math.Abs(f - t) <= bound))
                return $"[{i}] = {f:R}, definition {t:R} (bound {bound:G3})";
        }
        return null;
    }

    private static string? Bits(float[] a, float[] b)
    {
        if (a.Length != b.Length) return $"length {b.Length} against {a.Length}";
        for (int i = 0; i < a.Length; i++)
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
                return $"[{i}]: {b[i]:R} against {a[i]:R}";
        return null;
    }
}
