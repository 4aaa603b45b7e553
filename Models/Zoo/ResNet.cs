using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Models.Zoo;

/// <summary>
/// The CIFAR ResNets of He et al. (2016, §4.2), depth 6n + 2: a 3×3 stem, three stages of n basic blocks with 16, 32 and 64
/// channels (the second and third start with stride 2), global average pooling and a fully connected layer.
/// </summary>
/// <remarks>
/// A basic block is relu(F(x) + shortcut(x)) with F = conv3×3 → BN → ReLU → conv3×3 → BN. Where a block halves the size
/// and doubles the channels the shortcut is a strided 1×1 convolution with BN (option B of the paper), elsewhere the identity.
/// </remarks>
public abstract class ResNetArchitecture(int blocksPerStage) : IZooArchitecture
{
    public int Depth => 6 * blocksPerStage + 2;

    public abstract string Name { get; }

    public string Description =>
        $"ResNet-{Depth} (He 2016, CIFAR form): conv3×3-16 stem, 3 stages × {blocksPerStage} basic block(s) of 16-32-64 channels with skip connections, global average pool.";

    public static Layer BasicBlock(int input, int output, int stride, Random rng)
    {
        var body = new Sequential([.. ConvUnit.Create(input, output, 3, stride, rng), .. ConvUnit.Create(output, output, 3, 1, rng, relu: false)]);
        Layer? shortcut = stride == 1 && input == output ? null : new Sequential(ConvUnit.Create(input, output, 1, stride, rng, relu: false));
        return new Sequential(new Residual(body, shortcut), new ReLU());
    }

    public Layer Build(ZooOptions o)
    {
        ZooInput.Check(Name, o, 8);
        var rng = new Random(o.Seed);
        var layers = new List<Layer>(ConvUnit.Create(o.Channels, 16, 3, 1, rng));
        int channels = 16;
        foreach (var (width, stride) in new[] { (16, 1), (32, 2), (64, 2) })
            for (int b = 0; b < blocksPerStage; b++)
            {
                layers.Add(BasicBlock(channels, width, b == 0 ? stride : 1, rng));
                channels = width;
            }
        layers.Add(new GlobalAvgPool());
        layers.Add(new Flatten());
        if (o.Dropout > 0) layers.Add(new Dropout(o.Dropout, o.Seed));
        layers.Add(new Dense(channels, o.Classes, Initializer.Xavier, rng));
        return ZooInput.Finish(new Sequential(layers));
    }
}

/// <summary>ResNet-8 (one basic block per stage): the zoo's default ResNet, small enough for 10 Fashion-MNIST epochs on 2 cores.</summary>
public sealed class ResNet : ResNetArchitecture
{
    public ResNet() : base(1) { }

    public override string Name => "resnet";
}

/// <summary>ResNet-14 (two basic blocks per stage).</summary>
public sealed class ResNet14 : ResNetArchitecture
{
    public ResNet14() : base(2) { }

    public override string Name => "resnet14";
}

/// <summary>ResNet-20 (three basic blocks per stage), the smallest network of the paper's CIFAR-10 table.</summary>
public sealed class ResNet20 : ResNetArchitecture
{
    public ResNet20() : base(3) { }

    public override string Name => "resnet20";
}
