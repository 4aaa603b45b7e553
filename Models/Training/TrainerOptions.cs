using NeuralPipelines.Data.Augmentation;
using NeuralPipelines.Models.Optimizers;

namespace NeuralPipelines.Models.Training;

/// <summary>Everything that decides how a network is trained. Saved in checkpoints, so a resumed run uses the same values.
/// The defaults here are the library's plain starting point; the values that reach the documented results for an
/// architecture and dataset are its <see cref="Recipes.TrainingRecipe"/>.</summary>
public sealed record TrainerOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 10;
    /// <summary>Base learning rate η (the schedule scales it per epoch).</summary>
    public float LearningRate { get; init; } = 0.1f;
    public LearningRateSchedule Schedule { get; init; } = new();
    public OptimizerSettings Optimizer { get; init; } = new();
    /// <summary>L2 regularisation λ (Nielsen's weight decay, divided by the training-set size n).</summary>
    public float L2 { get; init; }
    /// <summary>L1 regularisation λ (divided by n).</summary>
    public float L1 { get; init; }
    public int Seed { get; init; } = 1;
    /// <summary>Stop when test accuracy has not improved for this many epochs (0 = never stop early).</summary>
    public int Patience { get; init; }
    public AugmentationOptions? Augmentation { get; init; }
    /// <summary>Also measure loss and accuracy on the whole training set after each epoch (costs a forward pass over it).</summary>
    public bool EvaluateTrainingSet { get; init; } = true;

    public void Validate()
    {
        EpochCount.Check(Epochs);
        // Each names the property an app set and the option np's user gave (OptionRangeException), not a description of it.
        if (BatchSize <= 0) throw new OptionRangeException(nameof(BatchSize), "--batch-size", $"must be positive, got {BatchSize}.");
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate)) throw new OptionRangeException(nameof(LearningRate), "--lr", $"must be a positive number, got {LearningRate}.");
        // Written so that NaN fails too (every comparison with NaN is false): a NaN λ was saved in the checkpoint as "NaN".
        if (!(L2 >= 0) || !float.IsFinite(L2)) throw new OptionRangeException(nameof(L2), "--l2", $"(regularisation λ) must be a finite number ≥ 0, got {L2}.");
        if (!(L1 >= 0) || !float.IsFinite(L1)) throw new OptionRangeException(nameof(L1), "--l1", $"(regularisation λ) must be a finite number ≥ 0, got {L1}.");
        if (Patience < 0) throw new OptionRangeException(nameof(Patience), "--patience", $"must be ≥ 0, got {Patience}.");
        Optimizer.Validate();
        Schedule.RateAt(LearningRate, 0, Math.Max(1, Epochs));
    }
}
