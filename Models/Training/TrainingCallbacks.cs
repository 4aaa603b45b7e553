namespace NeuralPipelines.Models.Training;

/// <summary>What a training loop tells its caller: per-batch progress, per-epoch reports, and when the state is worth
/// keeping. The loop knows nothing of files; a caller that wants checkpoints saves in <see cref="Save"/>.</summary>
public sealed record TrainingCallbacks
{
    /// <summary>Called after every finished epoch, once the training state records it: saving here means the file always
    /// holds a good state to resume from. Never for the untrained weights: a checkpoint that already exists at the path
    /// must not be replaced by a model that has learned nothing (a crash in epoch 1 would leave only that).</summary>
    public Action? Save { get; init; }

    /// <summary>After each epoch, after <see cref="Save"/>.</summary>
    public IProgress<EpochReport>? Epoch { get; init; }

    public IProgress<BatchProgress>? Batch { get; init; }
}
