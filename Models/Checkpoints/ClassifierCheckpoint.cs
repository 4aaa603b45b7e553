using System.Text.Json;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Checkpoints;

/// <summary>A classifier and, while it is being trained, its training state, as stored in one checkpoint file.</summary>
/// <param name="Training">Null for a file that only holds a model.</param>
public sealed record ClassifierCheckpoint(ClassifierModel Model, TrainingState? Training)
{
    public const string Kind = "classifier";
    private const string NetworkName = "network";

    public void Save(string path)
    {
        var content = new CheckpointContent
        {
            Kind = Kind,
            Networks = [new NamedNetwork(NetworkName, Model.Architecture, Model.Network, Model.InputShape)],
            Sections =
            {
                ["model"] = JsonSerializer.SerializeToNode(new ModelSection(Model.ClassLabels, Model.Normalization, Model.Cost, Model.OutputActivation), CheckpointFile.Json),
                ["training"] = Training is null ? null : JsonSerializer.SerializeToNode(Training, CheckpointFile.Json),
            },
            Metadata = new Dictionary<string, string>(Model.Metadata),
        };
        if (Training?.Optimizer is { } optimizer) content.Optimizers.Add(new NamedOptimizer(NetworkName, NetworkName, optimizer));
        CheckpointFile.Save(path, content);
    }

    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">Not a classifier checkpoint (the message says what it holds instead), or unreadable.</exception>
    public static ClassifierCheckpoint Load(string path) => FromContent(path, CheckpointFile.Load(path));

    /// <summary>The classifier in an already-read file; <paramref name="path"/> only names it in errors.</summary>
    public static ClassifierCheckpoint FromContent(string path, CheckpointContent content)
    {
        if (content.Kind != Kind)
            throw new InvalidDataException($"{path}: the checkpoint holds a {content.Kind} model, not a classifier.");
        try
        {
            var network = content.Network(NetworkName);
            var section = content.Sections.GetValueOrDefault("model").Deserialize<ModelSection>(CheckpointFile.Json)
                          ?? throw new JsonException("the model section is missing");
            var model = new ClassifierModel(network.Network, network.Architecture, network.InputShape, section.ClassLabels, section.Cost,
                section.Normalization, content.Metadata);
            var training = content.Sections.GetValueOrDefault("training").Deserialize<TrainingState>(CheckpointFile.Json);
            if (training is not null) training.Optimizer = content.OptimizerFor(NetworkName);
            return new ClassifierCheckpoint(model, training);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: the classifier in the checkpoint cannot be rebuilt: {e.Message}");
        }
    }

    /// <summary>The classifier's own header fields. The output activation follows from the cost; it is written so that
    /// a reader of the header alone knows how to read the outputs.</summary>
    private sealed record ModelSection(string[] ClassLabels, Normalization? Normalization, CostKind Cost, OutputActivation OutputActivation);
}
