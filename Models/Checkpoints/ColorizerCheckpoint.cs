using System.Text.Json;
using NeuralPipelines.Models.Generative.Pix2Pix;

namespace NeuralPipelines.Models.Checkpoints;

/// <summary>A colorizer and, while it trains, its training state, in one checkpoint file of kind "colorizer": the U-Net
/// ("generator"), the PatchGAN ("discriminator", l1+gan only) and both optimisers with their moments.</summary>
public sealed record ColorizerCheckpoint(ColorizerModel Model, ColorizerTrainingState? Training)
{
    public const string Kind = "colorizer";
    private const string Generator = "generator", Discriminator = "discriminator";

    public void Save(string path)
    {
        var m = Model;
        var content = new CheckpointContent
        {
            Kind = Kind,
            Networks = [new NamedNetwork(Generator, "unet", m.Generator, [1, m.Size, m.Size])],
            Sections =
            {
                ["model"] = JsonSerializer.SerializeToNode(new ModelSection(m.Size, "L/50-1", "ab/110"), CheckpointFile.Json),
                ["training"] = Training is null ? null : JsonSerializer.SerializeToNode(Training, CheckpointFile.Json),
            },
            Metadata = new Dictionary<string, string>(m.Metadata),
        };
        if (m.Discriminator is { } d) content.Networks.Add(new NamedNetwork(Discriminator, "patchgan", d, [3, m.Size, m.Size]));
        if (Training is not null)
            foreach (var (name, optimizer) in Training.Optimizers.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                content.Optimizers.Add(new NamedOptimizer(name, name, optimizer));
        CheckpointFile.Save(path, content);
    }

    public static ColorizerCheckpoint Load(string path) => FromContent(path, CheckpointFile.Load(path));

    /// <exception cref="InvalidDataException">Not a colorizer (the message says what the file holds instead), or unreadable.</exception>
    public static ColorizerCheckpoint FromContent(string path, CheckpointContent content)
    {
        if (content.Kind != Kind)
            throw new InvalidDataException($"{path}: the checkpoint holds a {content.Kind} model, not a colorizer (train one with np train colorize).");
        try
        {
            var s = content.Sections.GetValueOrDefault("model").Deserialize<ModelSection>(CheckpointFile.Json)
                    ?? throw new JsonException("the model section is missing");
            var discriminator = content.Networks.FirstOrDefault(n => n.Name == Discriminator)?.Network;
            var model = new ColorizerModel(content.Network(Generator).Network, s.Size, discriminator, content.Metadata);
            var training = content.Sections.GetValueOrDefault("training").Deserialize<ColorizerTrainingState>(CheckpointFile.Json);
            if (training is not null)
                foreach (var o in content.Optimizers) training.Optimizers[o.Name] = o.Optimizer;
            return new ColorizerCheckpoint(model, training);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: the colorizer in the checkpoint cannot be rebuilt: {e.Message}");
        }
    }

    /// <summary>The model's size and, for a reader outside this library, how its tensors hold Lab.</summary>
    private sealed record ModelSection(int Size, string Lightness, string Chroma);
}
