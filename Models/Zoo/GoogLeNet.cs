using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Models.Zoo;

/// <summary>GoogLeNet (Szegedy et al. 2014), small: a 3×3 stem, three Inception modules with 1×1 bottlenecks,
/// global average pooling and one fully connected layer.</summary>
/// <remarks>
/// An Inception module runs 1×1, 1×1→3×3, 1×1→5×5 and 3×3-max-pool→1×1 branches side by side and concatenates them;
/// the 1×1 "bottleneck" convolutions cut the channels before the expensive 3×3 and 5×5 ones. Global average pooling
/// replaces the large fully connected head. Each convolution has batch-norm (Inception v2) so that 10 epochs suffice.
/// </remarks>
public sealed class GoogLeNet : IZooArchitecture
{
    public string Name => "googlenet";

    public string Description => "GoogLeNet (Szegedy 2014), small: conv3×3-32 stem, 3 Inception modules (1×1 bottlenecks, 56-88-112 channels), global average pool.";

    /// <summary>One Inception module; returns it and its output channel count.</summary>
    public static (Layer Module, int Channels) Inception(int input, int ones, int reduce3, int threes, int reduce5, int fives, int poolProjection, Random rng)
    {
        var module = new Branches(
            ConvUnit.Block(input, ones, 1, 1, rng),
            new Sequential([.. ConvUnit.Create(input, reduce3, 1, 1, rng), .. ConvUnit.Create(reduce3, threes, 3, 1, rng)]),
            new Sequential([.. ConvUnit.Create(input, reduce5, 1, 1, rng), .. ConvUnit.Create(reduce5, fives, 5, 1, rng)]),
            new Sequential([new MaxPool2d(3, 1, 1), .. ConvUnit.Create(input, poolProjection, 1, 1, rng)]));
        return (module, ones + threes + fives + poolProjection);
    }

    public Layer Build(ZooOptions o)
    {
        ZooInput.Check(Name, o, 8);
        var rng = new Random(o.Seed);
        float dropout = o.Dropout > 0 ? o.Dropout : 0.4f;
        var layers = new List<Layer>(ConvUnit.Create(o.Channels, 32, 3, 1, rng)) { new MaxPool2d(3, 2, 1) };
        var (a3, c3a) = Inception(32, 16, 16, 24, 4, 8, 8, rng);
        var (b3, c3b) = Inception(c3a, 24, 24, 32, 8, 16, 16, rng);
        layers.AddRange([a3, b3, new MaxPool2d(3, 2, 1)]);
        var (a4, c4a) = Inception(c3b, 32, 32, 48, 8, 16, 16, rng);
        layers.AddRange([a4, new GlobalAvgPool(), new Flatten(), new Dropout(dropout, o.Seed), new Dense(c4a, o.Classes, Initializer.Xavier, rng)]);
        return ZooInput.Finish(new Sequential(layers));
    }
}
