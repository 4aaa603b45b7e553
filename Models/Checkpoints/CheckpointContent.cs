using System.Text.Json.Nodes;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Optimizers;

namespace NeuralPipelines.Models.Checkpoints;

/// <summary>What a checkpoint file holds, without the format: named networks (a classifier has one; a GAN its generator
/// and discriminator), named optimisers each bound to one of them, JSON sections owned by the model and training-state
/// types that wrote them, and free-form metadata.</summary>
public sealed class CheckpointContent
{
    /// <summary>What kind of model this is ("classifier", "gan", "gmmn", ...), so a reader can refuse the wrong kind by name.</summary>
    public required string Kind { get; init; }

    public List<NamedNetwork> Networks { get; init; } = [];

    public List<NamedOptimizer> Optimizers { get; init; } = [];

    /// <summary>Typed sections serialised by their owners (e.g. "model", "training").</summary>
    public Dictionary<string, JsonNode?> Sections { get; init; } = [];

    public Dictionary<string, string> Metadata { get; init; } = [];

    /// <summary>The network called <paramref name="name"/>; fails naming the networks there are.</summary>
    public NamedNetwork Network(string name) =>
        Networks.FirstOrDefault(n => n.Name == name)
        ?? throw new InvalidDataException($"The checkpoint has no network called '{name}' (it has: {string.Join(", ", Networks.Select(n => n.Name))}).");

    public Optimizer? OptimizerFor(string name) => Optimizers.FirstOrDefault(o => o.Name == name)?.Optimizer;
}

/// <summary>A network stored under a name, with the architecture it was built as and the per-example shape it takes.</summary>
public sealed record NamedNetwork(string Name, string Architecture, Layer Network, int[] InputShape);

/// <summary>An optimiser stored under a name, bound to the parameters of the network called <paramref name="Network"/>.</summary>
public sealed record NamedOptimizer(string Name, string Network, Optimizer Optimizer);
