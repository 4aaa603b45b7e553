using System.Globalization;
using NeuralPipelines.Models.Generative.Sampling;
using NeuralPipelines.Models.Generative.TransformFunction;

namespace NeuralPipelines.Benchmarks.Generative;

/// <summary>
/// <c>transform-function [--steps N] [--batch N] [--seed N] [--out DIR]</c>: trains the learned transform function on both
/// targets (exponential, two-Gaussian mixture) by both methods (MMD, adversarial) with longer training than the tests,
/// writes one PNG per target into DIR (default docs/plots) and prints the table of figures for docs/EXPERIMENTS.md.
/// </summary>
public static class TransformFunctionCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var documented = TransformFunctionOptions.Documented;
        int steps = Option(args, "--steps", documented.Steps), batch = Option(args, "--batch", documented.BatchSize), seed = Option(args, "--seed", documented.Seed);
        int at = Array.IndexOf(args, "--out");
        string directory = at >= 0 && at + 1 < args.Length ? args[at + 1] : Path.Combine("docs", "plots");
        Directory.CreateDirectory(directory);
        var ci = CultureInfo.InvariantCulture;
        output.WriteLine($"transform-function: {steps} steps, batch {batch}, seed {seed}, {Environment.ProcessorCount} processors");
        output.WriteLine();
        output.WriteLine("| target | method | KS, n = 10,000 | KS, n = 2,000 | monotone? | max \\|G − F⁻¹\\| on [0.01, 0.99] | steps | seconds |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var target in TransformTarget.All())
        {
            var results = new[] { TransformFunctionMethod.Mmd, TransformFunctionMethod.Adversarial }
                .Select(m => TransformFunctionExperiment.Run(target, m, new TransformFunctionOptions(steps, batch, Seed: seed)))
                .ToArray();
            foreach (var r in results)
            {
                string monotone = r.Monotonicity switch
                {
                    Monotonicity.Increasing => "yes, increasing",
                    Monotonicity.Decreasing => "yes, decreasing",
                    _ => "no",
                };
                string against = r.ComparedWithReflectedQuantile ? " (against F⁻¹(1 − u))" : "";
                output.WriteLine(string.Create(ci,
                    $"| {r.Target} | {Method(r.Method)} | {r.Ks:F4} | {r.KsAt2000:F4} | {monotone} | {r.MaxQuantileError:F3}{against} | {r.Steps} | {r.Seconds:F1} |"));
            }
            string path = Path.Combine(directory, $"transform-function-{target.Name}.png");
            TransformFunctionPlot.Write(path, target, results);
            output.WriteLine($"<!-- wrote {path} -->");
        }
        output.WriteLine();
        output.WriteLine(string.Create(ci, $"1% critical values: {KolmogorovSmirnov.CriticalValue(10_000):F4} (n = 10,000), {KolmogorovSmirnov.CriticalValue(2000):F4} (n = 2,000)"));
        return 0;
    }

    internal static string Method(TransformFunctionMethod m) => m == TransformFunctionMethod.Mmd ? "MMD" : "adversarial";

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
