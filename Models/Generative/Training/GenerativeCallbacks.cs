namespace NeuralPipelines.Models.Generative.Training;

/// <summary>What the generative training loop tells its caller; as <see cref="Models.Training.TrainingCallbacks"/>, it knows
/// nothing of files: <see cref="Save"/> is called after every epoch (never for the untrained networks).</summary>
public sealed record GenerativeCallbacks
{
    public Action? Save { get; init; }
    /// <summary>After each epoch, after <see cref="Save"/> (a sample grid is drawn here).</summary>
    public IProgress<GenerativeEpochReport>? Epoch { get; init; }
    public IProgress<GenerativeBatchProgress>? Batch { get; init; }
}
