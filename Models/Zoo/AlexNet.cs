using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Models.Zoo;

/// <summary>AlexNet (Krizhevsky et al. 2012) cut down for 28×28 / 32×32 images: five convolutions, three overlapping
/// max pools, two dropout-regularised fully connected layers, ReLU throughout.</summary>
/// <remarks>
/// What is kept from the original: the shape (a large first kernel, then 3×3 convolutions stacked three deep before the
/// last pool), overlapping 3×3/stride-2 pooling, ReLU, and dropout 0.5 on the classifier. What is changed for small images
/// and a 2-core budget: stride 1 and a 5×5 first kernel (11×11/stride 4 would leave a 28×28 image almost nothing),
/// channels 24-48-64-64-48 instead of 96-256-384-384-256, 256-unit classifier layers instead of 4096, and batch-norm
/// after every convolution instead of local response normalisation after the first two: without it (and with BN after
/// only the first two) this 8-layer ReLU stack died at the zoo's usual learning rate of 0.05 (loss stuck at ln 10).
/// </remarks>
public sealed class AlexNet : IZooArchitecture
{
    public string Name => "alexnet";

    public string Description => "AlexNet (Krizhevsky 2012), adapted: conv5×5-24, conv3×3 48-64-64-48 with batch-norm, overlapping max pools, FC 256-256 with dropout.";

    public Layer Build(ZooOptions o)
    {
        ZooInput.Check(Name, o, 16);
        var rng = new Random(o.Seed);
        float dropout = o.Dropout > 0 ? o.Dropout : 0.5f;
        Layer[] features =
        [
            new Conv2d(o.Channels, 24, 5, padding: 2, bias: false, rng: rng), new BatchNorm2d(24), new ReLU(), new MaxPool2d(3, 2, 1),
            new Conv2d(24, 48, 3, padding: 1, bias: false, rng: rng), new BatchNorm2d(48), new ReLU(), new MaxPool2d(3, 2, 1),
            new Conv2d(48, 64, 3, padding: 1, bias: false, rng: rng), new BatchNorm2d(64), new ReLU(),
            new Conv2d(64, 64, 3, padding: 1, bias: false, rng: rng), new BatchNorm2d(64), new ReLU(),
            new Conv2d(64, 48, 3, padding: 1, bias: false, rng: rng), new BatchNorm2d(48), new ReLU(), new MaxPool2d(3, 2),
            new Flatten(),
        ];
        var layers = new List<Layer>(features)
        {
            new Dropout(dropout, o.Seed), new Dense(ZooInput.Features(features, o), 256, Initializer.He, rng), new ReLU(),
            new Dropout(dropout, o.Seed + 1), new Dense(256, 256, Initializer.He, rng), new ReLU(),
            new Dense(256, o.Classes, Initializer.Xavier, rng),
        };
        return ZooInput.Finish(new Sequential(layers));
    }
}
