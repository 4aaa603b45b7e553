using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Training;

/// <summary>A classifier: the network, what it takes (input shape, normalisation), what it answers (class labels, read
/// through the output activation of its cost) and the facts of its model card. How it is being trained lives in
/// <see cref="TrainingState"/>; how it is stored, in <see cref="Checkpoints.ClassifierCheckpoint"/>.</summary>
public sealed class ClassifierModel
{
    private readonly Dictionary<string, string> _metadata;

    public ClassifierModel(Layer network, string architecture, int[] inputShape, string[] classLabels, CostKind cost,
        Normalization? normalization = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Network = network;
        Architecture = architecture;
        InputShape = inputShape.ToArray();
        ClassLabels = classLabels.ToArray();
        Cost = cost;
        Normalization = normalization;
        _metadata = metadata?.ToDictionary() ?? [];
        int[] output = network.OutputShape(InputShape);
        int outputs = output.Aggregate(1, (a, b) => a * b);
        if (outputs != ClassLabels.Length)
            throw new ArgumentException($"The {architecture} network maps input {Tensor.ShapeText(InputShape)} to {Tensor.ShapeText(output)}, " +
                                        $"but there are {ClassLabels.Length} class labels.");
        if (normalization is not null && InputShape.Length > 0 && normalization.Mean.Length != InputShape[0])
            throw new ArgumentException($"Normalization has {normalization.Mean.Length} channel(s) but the input shape is {Tensor.ShapeText(InputShape)}.");
    }

    public Layer Network { get; }

    /// <summary>"mlp", or the model-zoo name ("lenet5", ...).</summary>
    public string Architecture { get; }

    /// <summary>Shape of one example, e.g. [1, 28, 28]; the network takes [N, ..this].</summary>
    public int[] InputShape { get; }

    public string[] ClassLabels { get; }

    /// <summary>Pixel standardisation applied before the network, or null when it takes pixels in [0, 1] as they are.</summary>
    public Normalization? Normalization { get; }

    /// <summary>The cost it is trained with; it also decides how the raw output is read (<see cref="OutputActivation"/>).</summary>
    public CostKind Cost { get; }

    public OutputActivation OutputActivation => LossFunctions.Create(Cost).OutputActivation;

    /// <summary>Model-card facts: seed, dataset, metrics, project version.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _metadata;

    public void SetMetadata(string key, string value) => _metadata[key] = value;

    /// <summary>Throws when this model's architecture or input shape is not the one expected; the message names both.</summary>
    public void EnsureMatches(string? architecture, ReadOnlySpan<int> inputShape)
    {
        if (architecture is not null && !string.Equals(architecture, Architecture, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"The checkpoint holds a {Architecture} network, not {architecture}.");
        if (!InputShape.AsSpan().SequenceEqual(inputShape))
            throw new ArgumentException($"The checkpoint's network takes inputs of shape {Tensor.ShapeText(InputShape)} but the data has shape {Tensor.ShapeText(inputShape)}.");
    }

    /// <summary>Throws when <paramref name="images"/> do not fit this network: another image shape or another number of classes.</summary>
    public void EnsureFits(LabelledImages images)
    {
        EnsureMatches(null, [images.Channels, images.Height, images.Width]);
        // A label the network has no output for is named where it is, in the labels file (np validate names it alike).
        int outputs = ClassLabels.Length, bad = Array.FindIndex(images.Labels, l => l >= outputs);
        if (bad >= 0)
            throw new ArgumentException($"{images.LabelsSource}: image {bad} has label {images.Labels[bad]} but the checkpoint's network has {outputs} outputs (labels 0 to {outputs - 1}).");
        if (images.Classes != outputs)
            throw new ArgumentException($"{images.LabelsSource} has {images.Classes} classes but the checkpoint's network has {outputs} outputs.");
    }
}
