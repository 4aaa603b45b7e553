namespace NeuralPipelines.Models.Generative.TransformFunction;

/// <summary>Whether a learned function of one variable came out monotone on the grid it was checked on.</summary>
public enum Monotonicity
{
    /// <summary>Never decreases from one grid point to the next (and rises overall): a candidate for F⁻¹ itself.</summary>
    Increasing,
    /// <summary>Never increases (and falls overall): a candidate for u ↦ F⁻¹(1 − u), which pushes U(0, 1) to the same distribution.</summary>
    Decreasing,
    /// <summary>Both rises and falls: it maps U(0, 1) to the target, if at all, by folding the interval.</summary>
    NotMonotone,
}
