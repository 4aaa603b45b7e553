using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Models.Zoo;

/// <summary>One named network of the model zoo (lenet5, resnet...). Implementations are found by reflection in <see cref="ModelZoo"/>.</summary>
public interface IZooArchitecture
{
    /// <summary>The name used on the command line (<c>np train NAME</c>) and in checkpoints.</summary>
    string Name { get; }

    /// <summary>One line for <c>--help</c>: what the network is and where it comes from.</summary>
    string Description { get; }

    /// <summary>Builds the network for per-example input shape [channels, height, width] and the given number of classes.
    /// Throws <see cref="ArgumentException"/> naming the shape when the input does not suit the network.</summary>
    Layer Build(ZooOptions options);
}

/// <summary>What every zoo network needs to size itself, plus a seeded generator for its initial weights.</summary>
public sealed record ZooOptions(int Channels, int Height, int Width, int Classes, int Seed = 1, float Dropout = 0f)
{
    public int[] InputShape => [Channels, Height, Width];
}
