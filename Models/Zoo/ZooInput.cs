using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Models.Zoo;

/// <summary>Input checks and sizing shared by the convolutional zoo networks.</summary>
internal static class ZooInput
{
    /// <summary>Throws naming the expected and the actual per-image shape when the images cannot pass through the network.</summary>
    public static void Check(string network, ZooOptions o, int minSize)
    {
        if (o.Channels <= 0 || o.Height <= 0 || o.Width <= 0)
            throw new ArgumentException($"{network} expects images [C×H×W] with positive sizes but got [{o.Channels}×{o.Height}×{o.Width}].");
        if (o.Height < minSize || o.Width < minSize)
            throw new ArgumentException($"{network} expects images of at least [{o.Channels}×{minSize}×{minSize}] (its pooling leaves nothing of smaller ones) but got [{o.Channels}×{o.Height}×{o.Width}].");
        if (o.Classes < 2)
            throw new ArgumentException($"{network} needs at least 2 classes, got {o.Classes}.");
    }

    /// <summary>The number of features the convolutional part hands to the classifier, for this input size.</summary>
    public static int Features(IEnumerable<Layer> layers, ZooOptions o)
    {
        int[] shape = new Sequential(layers.ToArray()).OutputShape(o.InputShape);
        return shape.Aggregate(1, (a, b) => a * b);
    }

    /// <summary>Tells the network's first convolution that nobody reads ∂C/∂image, which saves it a third of its backward pass.</summary>
    public static Sequential Finish(Sequential network)
    {
        Layer first = network;
        while (first is Sequential s && s.Children.Count > 0) first = s.Children[0];
        if (first is Conv2d conv) conv.InputGradient = false;
        return network;
    }
}
