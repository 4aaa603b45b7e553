using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Settings;

namespace NeuralPipelines.Models.Checkpoints;

/// <summary>A generative model and, while it trains, its training state, in one checkpoint file: the generator and the
/// networks it is trained with (discriminator; auto-encoder), the moving average of the generator's weights when it
/// keeps one ("generator_ema"), and every optimiser with its moments.</summary>
/// <remarks>Files written before the average existed have neither that network nor <see cref="GenerativeOptions.EmaDecay"/>
/// in their options: they load with no average (so they sample their raw generator) and with the recipe's β, so that
/// resuming one starts the average from the generator as it stands.</remarks>
public sealed record GenerativeCheckpoint(GenerativeModel Model, GenerativeTrainingState? Training)
{
    private const string Generator = "generator", Discriminator = "discriminator", Autoencoder = "autoencoder", AverageGenerator = "generator_ema";

    public void Save(string path)
    {
        var m = Model;
        var content = new CheckpointContent
        {
            Kind = m.Name,
            Networks = [new NamedNetwork(Generator, m.Name, m.Generator, [m.NoiseSize])],
            Sections =
            {
                ["model"] = JsonSerializer.SerializeToNode(new ModelSection(m.NoiseSize, m.Noise, m.ImageShape, m.TanhOutput, m.Mixture), CheckpointFile.Json),
                ["training"] = Training is null ? null : JsonSerializer.SerializeToNode(Training, CheckpointFile.Json),
            },
            Metadata = new Dictionary<string, string>(m.Metadata),
        };
        if (m.Discriminator is { } d) content.Networks.Add(new NamedNetwork(Discriminator, m.Name, d, m.ImageShape));
        if (m.Autoencoder is { } ae) content.Networks.Add(new NamedNetwork(Autoencoder, m.Name, ae, [m.ImageShape.Aggregate(1, (a, b) => a * b)]));
        if (m.AverageGenerator is { } ema) content.Networks.Add(new NamedNetwork(AverageGenerator, m.Name, ema, [m.NoiseSize]));
        if (Training is not null)
            foreach (var (name, optimizer) in Training.Optimizers.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                content.Optimizers.Add(new NamedOptimizer(name, name, optimizer));
        CheckpointFile.Save(path, content);
    }

    /// <summary>Whether a checkpoint of this <paramref name="kind"/> holds a generative model.</summary>
    public static bool IsGenerative(string kind) => Enum.GetValues<GenerativeKind>().Any(k => SettingNames.Name(k) == kind);

    public static GenerativeCheckpoint Load(string path) => FromContent(path, CheckpointFile.Load(path));

    /// <exception cref="InvalidDataException">Not a generative checkpoint (the message says what it holds instead), or unreadable.</exception>
    public static GenerativeCheckpoint FromContent(string path, CheckpointContent content)
    {
        if (!IsGenerative(content.Kind))
            throw new InvalidDataException($"{path}: the checkpoint holds a {content.Kind} model, not a generator (gan, gmmn or gmmn-ae).");
        try
        {
            var kind = SettingNames.Parse<GenerativeKind>(content.Kind, "generative model");
            var s = content.Sections.GetValueOrDefault("model").Deserialize<ModelSection>(CheckpointFile.Json)
                    ?? throw new JsonException("the model section is missing");
            var discriminator = content.Networks.FirstOrDefault(n => n.Name == Discriminator)?.Network;
            var autoencoder = content.Networks.FirstOrDefault(n => n.Name == Autoencoder)?.Network as Sequential;
            var average = content.Networks.FirstOrDefault(n => n.Name == AverageGenerator)?.Network;
            var model = new GenerativeModel(kind, content.Network(Generator).Network, s.NoiseSize, s.Noise, s.ImageShape, s.TanhOutput,
                discriminator, autoencoder, content.Metadata, average, s.Mixture);
            var section = content.Sections.GetValueOrDefault("training");
            var training = section.Deserialize<GenerativeTrainingState>(CheckpointFile.Json);
            if (training is not null)
            {
                foreach (var o in content.Optimizers) training.Optimizers[o.Name] = o.Optimizer;
                if (section is JsonObject t && t["options"] is JsonObject o2 && !o2.ContainsKey("ema_decay"))
                    training.Options = training.Options with { EmaDecay = GenerativeOptions.For(kind).EmaDecay };
            }
            return new GenerativeCheckpoint(model, training);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: the generative model in the checkpoint cannot be rebuilt: {e.Message}");
        }
    }

    /// <summary>Mixture: the latent's components when the noise is a mixture of Gaussians (absent in older files, whose
    /// noise is normal or uniform).</summary>
    private sealed record ModelSection(int NoiseSize, NoiseKind Noise, int[] ImageShape, bool TanhOutput, LatentMixture? Mixture = null);
}
