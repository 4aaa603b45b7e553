using NeuralPipelines.Data.Augmentation;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;

namespace NeuralPipelines.Models.Training.Recipes;

/// <summary>What a user chose for a fresh run, value by value; every null takes the recipe's value.</summary>
public sealed record TrainingChoices
{
    /// <summary>The MLP's hidden layer sizes (input and classes come from the data).</summary>
    public int[]? Hidden { get; init; }
    public string? Activation { get; init; }
    public Initializer? Init { get; init; }
    public CostKind? Cost { get; init; }
    public float? Dropout { get; init; }
    public OptimizerKind? Optimizer { get; init; }
    public float? LearningRate { get; init; }
    public float? Momentum { get; init; }
    public int? BatchSize { get; init; }
    public int? Epochs { get; init; }
    public LearningRateSchedule? Schedule { get; init; }
    public float? L2 { get; init; }
    public float? L1 { get; init; }
    /// <summary>Augmentation; one that changes nothing (<see cref="AugmentationOptions.IsIdentity"/>) turns the recipe's off.</summary>
    public AugmentationOptions? Augmentation { get; init; }
    public int? Patience { get; init; }
    public bool? EvaluateTrainingSet { get; init; }
    /// <summary>Standardise pixels by the training set's per-channel mean and deviation.</summary>
    public bool Normalize { get; init; }
    public int Seed { get; init; } = 1;
}
