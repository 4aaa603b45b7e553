namespace NeuralPipelines.Models.Generative.TransformFunction;

/// <summary>How well a trained transform function G maps U(0, 1) onto its target, and the curves to plot it.</summary>
/// <param name="Ks">Kolmogorov–Smirnov statistic of all <paramref name="Draws"/> draws of G(u) against the target CDF.</param>
/// <param name="KsAt2000">The same for the first 2,000 of those draws (the goal: below 1.628/√2000 ≈ 0.0364).</param>
/// <param name="Monotonicity">Whether G is monotone on u ∈ [0.01, 0.99].</param>
/// <param name="MaxQuantileError">max |G(u) − F⁻¹(u)| over the grid, or max |G(u) − F⁻¹(1 − u)| when G came out decreasing.</param>
/// <param name="ComparedWithReflectedQuantile">True when <paramref name="MaxQuantileError"/> is against F⁻¹(1 − u).</param>
public sealed record TransformFunctionResult(
    string Target, TransformFunctionMethod Method, int Steps, int BatchSize, float LearningRate, double Seconds,
    int Draws, double Ks, double KsAt2000,
    Monotonicity Monotonicity, double MaxQuantileError, bool ComparedWithReflectedQuantile,
    TransformFunctionCurves Curves);
