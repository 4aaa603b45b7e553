using System.Diagnostics;
using NeuralPipelines.Models.Generative.Sampling;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Generative.TransformFunction;

/// <summary>The "implications" experiment of inverse-transform sampling: a small network G: u ~ U(0, 1) → ℝ, trained only
/// from samples of a target, should itself become a transform function, and if it is monotone increasing, F⁻¹.</summary>
/// <remarks>
/// G is 1 → H → H → 1 with tanh hidden units and a linear output (smooth, so a learned F⁻¹ has no kinks; ReLU was not
/// tried). It is trained by MMD or adversarially
/// (<see cref="TransformFunctionMethod"/>), then 10,000 fresh uniforms are pushed through it and the draws compared with the
/// target by a Kolmogorov–Smirnov test; G itself is compared with F⁻¹ on u ∈ [0.01, 0.99]. Deterministic for a seed.
/// </remarks>
public static class TransformFunctionExperiment
{
    private const double GridLow = 0.01, GridHigh = 0.99;
    private const int GridPoints = 981, HistogramBins = 60, DensityPoints = 400;

    public static TransformFunctionResult Run(TransformTarget target, TransformFunctionMethod method, TransformFunctionOptions? options = null)
    {
        options ??= new TransformFunctionOptions();
        if (options.Steps < 0 || options.BatchSize < 1 || options.Hidden < 1 || options.Draws < 2000)
            throw new ArgumentException($"Transform-function options out of range: {options}.");
        var generator = Generator(options.Hidden, new Random(Seeds.Derive(options.Seed, 1)));
        var clock = Stopwatch.StartNew();
        if (options.Steps > 0)
        {
            if (method == TransformFunctionMethod.Mmd) MmdGeneratorTraining.Train(generator, target, options);
            else AdversarialGeneratorTraining.Train(generator, target, options);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return Measure(generator, target, method, options, seconds);
    }

    /// <summary>G: 1 → hidden → hidden → 1, tanh hidden layers, linear output.</summary>
    /// <remarks>The first layer starts like Nielsen's chapter-4 construction (see FunctionFit): weights N(0, 3²) and each
    /// unit's step placed at a uniform point of [0, 1] (b = −w·c), so some units are already fairly steep. A quantile
    /// function like −ln(1 − u) has slope 100 at u = 0.99; grown from Xavier weights (≈ 1) at Adam's step of about η per
    /// update such slopes took thousands of steps, and G stopped short of the exponential's tail (G(0.99) ≈ 3 for
    /// F⁻¹(0.99) = 4.6 after 3,000 steps). With N(0, 10²), as FunctionFit uses, G folded [0, 1] instead (not monotone);
    /// 3 (5 was tried too) gave monotone transform functions on both targets.</remarks>
    public static Sequential Generator(int hidden, Random rng)
    {
        var first = new Dense(1, hidden, Initializer.Normal, rng) { InputGradient = false };
        var w = first.Weight.Value.Span;
        TensorPrimitives.Multiply(w, FirstLayerWeightScale, w);
        for (int j = 0; j < hidden; j++) first.Bias.Value[j] = -w[j] * (float)rng.NextDouble();
        return new Sequential(first, new Tanh(),
            new Dense(hidden, hidden, Initializer.Xavier, rng), new Tanh(),
            new Dense(hidden, 1, Initializer.Xavier, rng));
    }

    private const float FirstLayerWeightScale = 3f;

    /// <summary>Fills a [n×1] tensor with uniforms in (0, 1): G's input.</summary>
    internal static void FillUniform(Tensor u, Random rng)
    {
        var s = u.Span;
        for (int i = 0; i < s.Length; i++) s[i] = (float)InverseTransformSampler.OpenUniform(rng);
    }

    private static TransformFunctionResult Measure(Sequential generator, TransformTarget target, TransformFunctionMethod method,
        TransformFunctionOptions options, double seconds)
    {
        var distribution = target.Distribution;
        // Fresh uniforms, from a stream no training step used.
        var u = new Tensor(options.Draws, 1);
        FillUniform(u, new Random(Seeds.Derive(options.Seed, 3)));
        var draws = generator.Forward(u, training: false).Span.ToArray();
        double ks = KolmogorovSmirnov.Statistic(draws, distribution);
        double ks2000 = KolmogorovSmirnov.Statistic(draws.AsSpan(0, 2000), distribution);

        var grid = new double[GridPoints];
        var gridTensor = new Tensor(GridPoints, 1);
        for (int i = 0; i < GridPoints; i++)
        {
            grid[i] = GridLow + (GridHigh - GridLow) * i / (GridPoints - 1);
            gridTensor[i] = (float)grid[i];
        }
        var g = generator.Forward(gridTensor, training: false).Span.ToArray().Select(v => (double)v).ToArray();
        var quantile = grid.Select(distribution.Quantile).ToArray();
        var monotonicity = MonotonicityOf(g);
        // A decreasing G pushes U to the target as u ↦ F⁻¹(1 − u) does; a folded one is compared in the orientation of its ends.
        bool reflected = monotonicity == Monotonicity.Decreasing || (monotonicity == Monotonicity.NotMonotone && g[^1] < g[0]);
        double maxError = 0;
        for (int i = 0; i < GridPoints; i++)
            maxError = Math.Max(maxError, Math.Abs(g[i] - (reflected ? quantile[GridPoints - 1 - i] : quantile[i])));

        double low = distribution.Quantile(0.001), high = distribution.Quantile(0.999), width = (high - low) / HistogramBins;
        var centers = new double[HistogramBins];
        var histogram = new double[HistogramBins];
        for (int b = 0; b < HistogramBins; b++) centers[b] = low + (b + 0.5) * width;
        foreach (float x in draws)
        {
            int b = (int)Math.Floor((x - low) / width);
            if (b >= 0 && b < HistogramBins) histogram[b] += 1.0 / (draws.Length * width);
        }
        var densityX = new double[DensityPoints];
        var density = new double[DensityPoints];
        for (int i = 0; i < DensityPoints; i++)
        {
            densityX[i] = low + (high - low) * i / (DensityPoints - 1);
            density[i] = target.Density(densityX[i]);
        }
        return new TransformFunctionResult(target.Name, method, options.Steps, options.BatchSize, options.LearningRateFor(method), seconds, draws.Length, ks, ks2000,
            monotonicity, maxError, reflected, new TransformFunctionCurves(grid, g, quantile, centers, histogram, densityX, density));
    }

    private static Monotonicity MonotonicityOf(double[] g)
    {
        bool rises = false, falls = false;
        for (int i = 1; i < g.Length; i++)
        {
            if (g[i] > g[i - 1]) rises = true;
            else if (g[i] < g[i - 1]) falls = true;
        }
        return rises && !falls ? Monotonicity.Increasing : falls && !rises ? Monotonicity.Decreasing : Monotonicity.NotMonotone;
    }
}
