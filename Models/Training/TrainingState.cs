namespace NeuralPipelines.Models.Training;

/// <summary>Where a training run stands: its options, how many epochs are done, the history and the early-stopping record.
/// Saved in checkpoints; with the weights and optimiser state it is everything a resumed run needs.</summary>
public sealed class TrainingState
{
    public TrainerOptions Options { get; set; } = new();
    public int CompletedEpochs { get; set; }
    public List<EpochReport> History { get; set; } = [];
    public double BestTestAccuracy { get; set; } = -1;
    public int BestEpoch { get; set; }
    /// <summary>Why training stopped before its last epoch (early stopping), or null.</summary>
    public string? StopReason { get; set; }
    public double TrainSeconds { get; set; }
    public long ImagesSeen { get; set; }
}
