using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Models.Zoo;

/// <summary>The conv → batch-norm → ReLU triple that VGG-BN, Inception and ResNet are built from.</summary>
internal static class ConvUnit
{
    /// <summary>A "same" convolution (padding k/2) of the given stride; no bias, since batch-norm's β takes its place.</summary>
    public static Layer[] Create(int inChannels, int outChannels, int kernel, int stride, Random rng, bool relu = true)
    {
        var conv = new Conv2d(inChannels, outChannels, kernel, stride, kernel / 2, bias: false, rng: rng);
        return relu ? [conv, new BatchNorm2d(outChannels), new ReLU()] : [conv, new BatchNorm2d(outChannels)];
    }

    public static Sequential Block(int inChannels, int outChannels, int kernel, int stride, Random rng) =>
        new(Create(inChannels, outChannels, kernel, stride, rng));
}
