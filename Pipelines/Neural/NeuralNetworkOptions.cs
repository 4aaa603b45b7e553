using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Training.Recipes;

namespace NeuralPipelines.Pipelines.Neural;

/// <summary>What <see cref="NeuralNetworkTrainer"/> trains and how: the network (an MLP or a model-zoo architecture),
/// the columns it reads, and the training settings handed to our trainer. A training setting left null takes the
/// architecture's recipe value (<see cref="TrainingRecipes"/>, the MNIST-family row: the one <c>np train</c> uses).</summary>
public sealed record NeuralNetworkOptions
{
    /// <summary>"mlp" or a model-zoo name (lenet5, alexnet, vgg, googlenet, resnet...).</summary>
    public string Architecture { get; init; } = "mlp";

    /// <summary>Hidden layer sizes of the MLP (a zoo network, which builds its own layers, refuses it). Null: the recipe's ([100]).</summary>
    public int[]? HiddenLayers { get; init; }

    /// <summary>Hidden activation of the MLP: sigmoid, tanh, relu, leaky-relu (a zoo network refuses it). Null: the recipe's (relu).</summary>
    public string? Activation { get; init; }

    /// <summary>Cost: log-likelihood (softmax outputs), cross-entropy (sigmoid outputs) or quadratic. Null: the recipe's (log-likelihood).</summary>
    public CostKind? Cost { get; init; }

    public string FeatureColumnName { get; init; } = "Features";

    public string LabelColumnName { get; init; } = "Label";

    /// <summary>Per-example shape [C, H, W] of the feature vector. Null: a square single-channel image when the length is a
    /// square (784 → [1, 28, 28]), a square three-channel image when it is 3 × a square, else [1, 1, length].</summary>
    public int[]? InputShape { get; init; }

    public int? Epochs { get; init; }

    public int? BatchSize { get; init; }

    /// <summary>Base learning rate η.</summary>
    public float? LearningRate { get; init; }

    public OptimizerKind? Optimizer { get; init; }

    /// <summary>SGD momentum (0 = plain SGD).</summary>
    public float? Momentum { get; init; }

    public LearningRateSchedule? Schedule { get; init; }

    public float? Dropout { get; init; }

    /// <summary>Standardise inputs by the training rows' per-channel mean and deviation (kept in the exported graph).</summary>
    public bool Normalize { get; init; }

    /// <summary>Share of the rows held out (after a seeded shuffle) to measure test accuracy after each epoch.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    public int Seed { get; init; } = 1;

    /// <summary>Per-epoch figures as training goes.</summary>
    public IProgress<EpochReport>? Progress { get; init; }

    /// <summary>Stops <c>Fit</c> after the mini-batch in progress with <see cref="OperationCanceledException"/>: ML.NET's
    /// <c>Fit</c> takes no token, and a host must be able to stop minutes of training.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>ML.NET's device for the fitted transformer's ONNX scoring: null for the CPU, a CUDA device id otherwise
    /// (ML.NET falls back to the CPU when CUDA cannot be used).</summary>
    public int? GpuDeviceId { get; init; }

    /// <summary>The recipe these options start from.</summary>
    public TrainingRecipe Recipe => TrainingRecipes.For(Architecture, TrainingRecipes.Mnist);

    /// <summary>The values set here, for <see cref="ClassifierSetup"/> to put in place of the recipe's.</summary>
    public TrainingChoices ToChoices() => new()
    {
        Hidden = HiddenLayers,
        Activation = Activation,
        Cost = Cost,
        Dropout = Dropout,
        Optimizer = Optimizer,
        LearningRate = LearningRate,
        Momentum = Momentum,
        BatchSize = BatchSize,
        Epochs = Epochs,
        Schedule = Schedule,
        Normalize = Normalize,
        Seed = Seed,
        // Per-epoch test figures come from the held-out rows; a pass over the training rows would only cost time.
        EvaluateTrainingSet = false,
    };
}
