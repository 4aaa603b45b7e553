using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Pipelines.Neural;

/// <summary>What <see cref="NeuralNetworkTrainer"/> trains and how: the network (an MLP or a model-zoo architecture),
/// the columns it reads, and the training settings handed to our trainer.</summary>
public sealed record NeuralNetworkOptions
{
    /// <summary>"mlp" or a model-zoo name (lenet5, alexnet, vgg, googlenet, resnet...).</summary>
    public string Architecture { get; init; } = "mlp";

    /// <summary>Hidden layer sizes of the MLP (ignored by zoo networks).</summary>
    public int[] HiddenLayers { get; init; } = [100];

    /// <summary>Hidden activation of the MLP: sigmoid, tanh, relu, leaky-relu.</summary>
    public string Activation { get; init; } = "relu";

    /// <summary>Cost: log-likelihood (softmax outputs, the default), cross-entropy (sigmoid outputs) or quadratic.</summary>
    public string Cost { get; init; } = "log-likelihood";

    public string FeatureColumnName { get; init; } = "Features";

    public string LabelColumnName { get; init; } = "Label";

    /// <summary>Per-example shape [C, H, W] of the feature vector. Null: a square single-channel image when the length is a
    /// square (784 → [1, 28, 28]), a square three-channel image when it is 3 × a square, else [1, 1, length].</summary>
    public int[]? InputShape { get; init; }

    public int Epochs { get; init; } = 5;

    public int BatchSize { get; init; } = 32;

    public float LearningRate { get; init; } = 0.05f;

    /// <summary>SGD momentum (0 = plain SGD).</summary>
    public float Momentum { get; init; } = 0.9f;

    public float Dropout { get; init; }

    /// <summary>Standardise inputs by the training rows' per-channel mean and deviation (kept in the exported graph).</summary>
    public bool Normalize { get; init; }

    /// <summary>Share of the rows held out (after a seeded shuffle) to measure test accuracy after each epoch.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    public int Seed { get; init; } = 1;

    /// <summary>Per-epoch figures as training goes.</summary>
    public IProgress<EpochReport>? Progress { get; init; }

    /// <summary>ML.NET's device for the fitted transformer's ONNX scoring: null for the CPU, a CUDA device id otherwise
    /// (ML.NET falls back to the CPU when CUDA cannot be used).</summary>
    public int? GpuDeviceId { get; init; }
}
