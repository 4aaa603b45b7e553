using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Models.Zoo;

/// <summary>LeNet-5 (LeCun et al. 1998) with ReLU and max pooling: conv5-6, pool, conv5-16, pool, 120, 84, classes.</summary>
/// <remarks>
/// LeNet-5 was drawn for 32×32 images, whose first 5×5 convolution leaves 28×28. A 28×28 image (MNIST) is padded by 2
/// so that every later layer keeps the original sizes (16×5×5 = 400 features into the 120-unit layer).
/// Optional dropout before the last layer (<see cref="ZooOptions.Dropout"/>).
/// </remarks>
public sealed class LeNet5 : IZooArchitecture
{
    public string Name => "lenet5";

    /// <summary>Units of the last hidden layer: the features "LeNet FID" is the Fréchet distance of.</summary>
    public const int PenultimateUnits = 84;

    public string Description => "LeNet-5 (LeCun 1998) with ReLU and max pooling: conv5×5-6, pool, conv5×5-16, pool, FC 120-84; ~62k parameters.";

    public Layer Build(ZooOptions o)
    {
        ZooInput.Check(Name, o, 12);
        var rng = new Random(o.Seed);
        int pad = Math.Min(o.Height, o.Width) < 32 ? 2 : 0;
        Layer[] features =
        [
            new Conv2d(o.Channels, 6, 5, padding: pad, rng: rng), new ReLU(), new MaxPool2d(2),
            new Conv2d(6, 16, 5, rng: rng), new ReLU(), new MaxPool2d(2),
            new Flatten(),
        ];
        var layers = new List<Layer>(features)
        {
            new Dense(ZooInput.Features(features, o), 120, Initializer.He, rng), new ReLU(),
            new Dense(120, PenultimateUnits, Initializer.He, rng), new ReLU(),
        };
        if (o.Dropout > 0) layers.Add(new Dropout(o.Dropout, o.Seed));
        layers.Add(new Dense(PenultimateUnits, o.Classes, Initializer.Xavier, rng));
        return ZooInput.Finish(new Sequential(layers));
    }
}
