namespace NeuralPipelines.Models.Layers;

/// <summary>Creates activation layers by the names used on the command line.</summary>
public static class Activations
{
    public static readonly string[] Names = ["sigmoid", "tanh", "relu", "leaky-relu"];

    public static Layer Create(string name) => name.ToLowerInvariant() switch
    {
        "sigmoid" => new Sigmoid(),
        "tanh" => new Tanh(),
        "relu" => new ReLU(),
        "leaky-relu" or "leakyrelu" => new LeakyReLU(),
        _ => throw new ArgumentException($"Unknown activation '{name}': use {string.Join(", ", Names)}."),
    };
}
