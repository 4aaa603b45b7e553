using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Models.Zoo;

/// <summary>VGG (Simonyan and Zisserman 2014), small: three blocks of two stacked 3×3 convolutions (16, 32, 64 channels),
/// each followed by 2×2 max pooling, then a 128-unit fully connected layer with dropout.</summary>
/// <remarks>
/// The VGG idea is that two stacked 3×3 convolutions see a 5×5 window with fewer weights and one more non-linearity.
/// Each convolution is followed by batch normalisation (as in the later VGG-BN variants): without it a plain VGG needs
/// many more than 10 epochs to start learning from He-initialised weights.
/// </remarks>
public sealed class Vgg : IZooArchitecture
{
    public string Name => "vgg";

    public string Description => "VGG (Simonyan 2014), small: 3 blocks of 2× conv3×3 (16-32-64) with batch-norm and 2×2 pools, FC 128 with dropout.";

    public Layer Build(ZooOptions o)
    {
        ZooInput.Check(Name, o, 8);
        var rng = new Random(o.Seed);
        float dropout = o.Dropout > 0 ? o.Dropout : 0.5f;
        var features = new List<Layer>();
        int channels = o.Channels;
        foreach (int width in (int[])[16, 32, 64])
        {
            for (int i = 0; i < 2; i++)
            {
                features.AddRange(ConvUnit.Create(channels, width, 3, 1, rng));
                channels = width;
            }
            features.Add(new MaxPool2d(2));
        }
        features.Add(new Flatten());
        var layers = new List<Layer>(features)
        {
            new Dense(ZooInput.Features(features, o), 128, Initializer.He, rng), new ReLU(),
            new Dropout(dropout, o.Seed), new Dense(128, o.Classes, Initializer.Xavier, rng),
        };
        return ZooInput.Finish(new Sequential(layers));
    }
}
