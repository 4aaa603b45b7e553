using System.Diagnostics;
using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using Xunit.Abstractions;

namespace NeuralPipelines.Models.Tests.Kernels.Fuzz;

/// <summary>A seeded differential fuzz of the SIMD kernels on random odd shapes: every route at every width this machine
/// has (512, 256, scalar), one thread and two, against the plain definitions, with sentinels around every buffer.</summary>
/// <remarks>
/// <para>By default each test draws a fixed handful of cases from seed 1 (a few seconds each on two cores). A longer hunt:
/// <c>NP_FUZZ_CASES=2000 dotnet test Tests/Models.Tests -c Release --filter KernelFuzzTests</c> draws that many cases per
/// test and allows larger shapes; <c>NP_FUZZ_SEED</c> moves the first seed, <c>NP_FUZZ_ROUTE</c> keeps the routes whose
/// name contains it. A failure names the case's seed (which also draws its switches), so
/// <c>NP_FUZZ_SEED=&lt;seed&gt; NP_FUZZ_CASES=1</c> reruns it alone.</para>
/// <para>What must hold: each result within k·u·Σ|terms| of the definition (k the reduction's length, u ≈ 2⁻²⁴, plus a
/// floor), no float written outside the output's span or into an input, the same bits on two threads as on one, and for the
/// GEMM and each convolution kernel's output the same bits at every width (∂C/∂w and ∂C/∂x are not promised across
/// widths). The convolution's chooser may take another kernel at another width (the direct kernels start their sums from
/// the bias, the GEMM adds it last), so its output's bits across widths are written to the test's output, not required.</para>
/// </remarks>
[Collection(nameof(GemmThreadsCollection))]
public class KernelFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Convolution_routes_match_the_definitions_on_random_shapes()
    {
        long maxWork = FuzzRun.Long ? 4_000_000 : 600_000;
        Drive(FuzzRun.Cases(fast: 80), rng =>
        {
            var p = new ConvolutionFuzz.Problem(ConvolutionFuzz.Shape(rng, maxWork), rng);
            var g = p.G;
            // The reductions' lengths: taps per output, positions per weight (and the start), output taps per pixel.
            double[] tolerances =
            [
                Bound(g.Rows + 1), Bound(p.S.Columns + 1), Bound(p.S.OutChannels * g.KernelH * g.KernelW), Bound(p.S.OutChannels * g.KernelH * g.KernelW + 1),
                Bound(p.S.Columns + 1),
            ];
            return new DrawnCase(p.ToString(), (label, tally) => FuzzRunner.Run(label, ConvolutionFuzz.Routes(p), p.Twin, p.Scale, tolerances, tally,
                sameAcrossWidths: new HashSet<int> { ConvolutionFuzz.Forward }));
        });
    }

    [Fact]
    public void Matrix_products_match_the_definition_on_random_shapes()
    {
        long maxWork = FuzzRun.Long ? 12_000_000 : 1_500_000;
        Drive(FuzzRun.Cases(fast: 200), rng =>
        {
            var p = new GemmFuzz.Problem(rng, maxWork);
            double tolerance = Bound(p.K + 1);
            return new DrawnCase(p.ToString(), (label, tally) => FuzzRunner.Run(label, GemmFuzz.Routes(p), p.Twin, p.Scale, [tolerance, tolerance, tolerance], tally,
                sameAcrossWidths: new HashSet<int> { 0, 1, 2 }));
        });
    }

    [Fact]
    public void Elementwise_kernels_match_their_twins_on_random_lengths() => Drive(FuzzRun.Cases(fast: 90), rng => Elementwise(ElementwiseFuzz.Random(rng)));

    [Fact]
    public void Fused_optimiser_and_layout_kernels_match_their_twins_on_random_shapes() =>
        Drive(FuzzRun.Cases(fast: 200), rng => Elementwise(ElementwiseFuzz.RandomMore(rng)));

    private static DrawnCase Elementwise(ElementwiseFuzz f) =>
        new(f.Name, (label, tally) => FuzzRunner.Run(label, f.Routes, [.. f.Twin], [.. f.Scale], [.. f.Tolerances], tally));

    /// <summary>A drawn case: its name, and how it runs given its label (seed, case, switches) and the tally.</summary>
    private readonly record struct DrawnCase(string Name, Action<string, FuzzRunner.Tally> Run);

    /// <summary>Runs <paramref name="cases"/> seeds: each draws its case with <paramref name="draw"/>, then its route switches,
    /// from the seed's one stream (so a seed names the same case and switches every time), and runs it; a seed that fails
    /// more than five ways ends the run.</summary>
    private void Drive(int cases, Func<Random, DrawnCase> draw)
    {
        var tally = new FuzzRunner.Tally();
        var clock = Stopwatch.StartNew();
        using (new KernelSettingsScope(threads: 2, adaptToLoad: false))
            for (int i = 0; i < cases; i++)
            {
                int seed = FuzzRun.FirstSeed + i;
                var rng = new Random(seed);
                var drawn = draw(rng);
                using var switches = new KernelSwitches(rng, offChance: seed % 2 == 0 ? 0 : 0.25);
                int before = tally.Failures.Count;
                drawn.Run($"seed {seed}, {drawn.Name}, {switches.Description}", tally);
                if (tally.Failures.Count > before + 5) break;
            }
        Report(cases, clock, tally);
    }

    /// <summary>Whole layers through a training step's forward and backward: at each width against the scalar run, within
    /// k·u of each tensor's largest value (k the longest reduction a value passes through, times a margin for what a batch
    /// norm's 1/σ and the layers after it make of a last-bit difference); on two threads the same bits as on one; and with
    /// the activations run apart (no fusion into the batch norms or the U-Net's join) the same bits as fused.</summary>
    [Fact]
    public void Whole_layers_agree_across_widths_and_threads_on_random_shapes()
    {
        int cases = FuzzRun.Cases(fast: 150);
        var failures = new List<string>();
        double worst = 0;
        string worstCase = "";
        var clock = Stopwatch.StartNew();
        var widths = SimdWidth.AvailablePaths.OrderBy(w => w == SimdPath.Scalar ? 0 : 1).ToArray();
        using (new KernelSettingsScope(threads: 2, adaptToLoad: false))
            for (int i = 0; i < cases && failures.Count < 20; i++)
            {
                int seed = FuzzRun.FirstSeed + i;
                var rng = new Random(seed);
                var layer = LayerFuzz.Random(rng);
                using var switches = new KernelSwitches(rng, offChance: seed % 2 == 0 ? 0 : 0.25);
                (string Name, float[] Values)[]? scalar = null;
                foreach (var width in widths)
                {
                    string where = $"seed {seed}, {layer.Name}, {switches.Description} at {width}";
                    try
                    {
                        using var _ = SimdWidth.Use(width);
                        var one = OnThreads(1, layer);
                        if (Bits(one, OnThreads(2, layer)) is { } two) failures.Add($"{where}: two threads differ from one at {two}");
                        if (Bits(one, Apart(layer)) is { } apart) failures.Add($"{where}: apart differs from fused at {apart}");
                        if (scalar is null) { scalar = one; continue; }
                        // One scale for the whole step, its largest value: a gradient that cancels to rounding noise (a
                        // bias before a training-mode batch norm, whose ∂C/∂b is 0 in exact arithmetic) is judged by the
                        // size of the terms it summed, not by its own.
                        double scale = Math.Max(1e-3, scalar.Max(t => t.Values.Length == 0 ? 0 : t.Values.Max(v => Math.Abs(v))));
                        double bound = 16 * Bound(layer.Reduction) * scale;
                        for (int t = 0; t < one.Length; t++)
                        {
                            float[] a = scalar[t].Values, b = one[t].Values;
                            for (int e = 0; e < a.Length; e++)
                            {
                                double error = Math.Abs(a[e] - b[e]);
                                if (error / bound > worst) (worst, worstCase) = (error / bound, $"{where}, {one[t].Name}[{e}]");
                                if (!(error <= bound)) { failures.Add($"{where}: {one[t].Name}[{e}] = {b[e]:R}, scalar {a[e]:R} (bound {bound:G3})"); break; }
                            }
                        }
                    }
                    catch (Exception e)
                    {
                        failures.Add($"{where} threw {e.GetType().Name}: {e.Message}{Environment.NewLine}{e.StackTrace}");
                    }
                }
            }
        output.WriteLine($"{cases} cases in {clock.Elapsed.TotalSeconds:F1} s; the largest difference from the scalar run was {worst:G3} of its bound ({worstCase})");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(20))}");

        static (string Name, float[] Values)[] OnThreads(int threads, LayerFuzz layer)
        {
            using var settings = new KernelSettingsScope(parallelThreshold: threads == 1 ? long.MaxValue : 1, loopThreads: threads);
            return layer.Run();
        }

        static (string Name, float[] Values)[] Apart(LayerFuzz layer)
        {
            var (sequential, skip) = (Sequential.FusesActivation, UNetSkipBlock.FusesSkipActivation);
            try
            {
                (Sequential.FusesActivation, UNetSkipBlock.FusesSkipActivation) = (false, false);
                return OnThreads(1, layer);
            }
            finally { (Sequential.FusesActivation, UNetSkipBlock.FusesSkipActivation) = (sequential, skip); }
        }

        static string? Bits((string Name, float[] Values)[] a, (string Name, float[] Values)[] b)
        {
            for (int t = 0; t < a.Length; t++)
                for (int e = 0; e < a[t].Values.Length; e++)
                    if (BitConverter.SingleToInt32Bits(a[t].Values[e]) != BitConverter.SingleToInt32Bits(b[t].Values[e]))
                        return $"{a[t].Name}[{e}]: {b[t].Values[e]:R} against {a[t].Values[e]:R}";
            return null;
        }
    }

    /// <summary>k·u for a reduction of k terms (u = 2⁻²⁴), and a floor of a few ulps.</summary>
    internal static double Bound(long k) => 4e-7 + k * 6e-8;

    private void Report(int cases, Stopwatch clock, FuzzRunner.Tally tally)
    {
        output.WriteLine($"{cases} cases in {clock.Elapsed.TotalSeconds:F1} s; runs per route and width:{Environment.NewLine}{tally.Summary()}");
        output.WriteLine($"{tally.Notes.Count} notes (allowed): " + string.Join(", ", tally.NoteCounts.Select(n => $"{n.Key} ×{n.Value}")));
        output.WriteLine(string.Join(Environment.NewLine, tally.Notes.Take(20)));
        Assert.True(tally.Failures.Count == 0, $"{tally.Failures.Count} failures:{Environment.NewLine}{string.Join(Environment.NewLine, tally.Failures.Take(20))}");
    }
}
