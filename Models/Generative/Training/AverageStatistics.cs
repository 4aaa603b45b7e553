namespace NeuralPipelines.Models.Generative.Training;

/// <summary>Which batch-norm running statistics a generator's moving average samples with (names: standing, raw).</summary>
public enum AverageStatistics
{
    /// <summary>Its own, measured on its samples before each save (<see cref="StandingStatistics"/>): what it always uses.</summary>
    Standing,
    /// <summary>The raw generator's, copied in: the ablation that shows whether the standing ones matter (docs/EXPERIMENTS.md).</summary>
    Raw,
}
