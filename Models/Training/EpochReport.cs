namespace NeuralPipelines.Models.Training;

/// <summary>What one epoch achieved. Train figures are measured on the whole training set after the epoch (no dropout, no
/// augmentation) when <see cref="TrainerOptions.EvaluateTrainingSet"/> is on, else they are the running mini-batch averages.</summary>
/// <param name="Epoch">One-based epoch number.</param>
/// <param name="Seconds">Time spent on training steps in this epoch (evaluation excluded).</param>
public sealed record EpochReport(
    int Epoch, int Epochs, float LearningRate,
    double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy,
    double Seconds, double EvaluationSeconds, double ImagesPerSecond);

/// <summary>Progress within an epoch, reported after each mini-batch (a struct: reporting it allocates nothing).</summary>
public readonly record struct BatchProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss);
