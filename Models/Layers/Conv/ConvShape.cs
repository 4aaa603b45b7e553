using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>Shared argument handling for the image layers: (height, width) pairs in specs and NCHW input checks.</summary>
internal static class ConvShape
{
    /// <summary>Reads "k" or "kh,kw" from a spec; a single number means the same for height and width.</summary>
    public static (int H, int W) Pair(LayerSpec spec, string name, int fallback)
    {
        if (!spec.Args.ContainsKey(name)) return (fallback, fallback);
        var v = spec.GetInts(name);
        return v.Length switch
        {
            1 => (v[0], v[0]),
            2 => (v[0], v[1]),
            _ => throw new FormatException($"Layer '{spec.Kind}' argument {name} must be one or two integers, got '{spec.GetString(name)}'."),
        };
    }

    public static int[] Ints((int H, int W) pair) => [pair.H, pair.W];

    /// <summary>Checks a per-example shape is [C, H, W] with the expected channel count (0 = any).</summary>
    public static (int C, int H, int W) Image(string layer, ReadOnlySpan<int> shape, int channels)
    {
        if (shape.Length != 3)
            throw new ArgumentException($"{layer} expects images [C×H×W] per example but got shape {Tensor.ShapeText(shape)}.");
        if (channels > 0 && shape[0] != channels)
            throw new ArgumentException($"{layer} expects {channels} input channels, i.e. [{channels}×H×W], but got shape {Tensor.ShapeText(shape)}.");
        return (shape[0], shape[1], shape[2]);
    }

    /// <summary>Checks a batch is NCHW with the expected channel count; returns N, C, H, W.</summary>
    public static (int N, int C, int H, int W) Batch(string layer, Tensor x, int channels)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"{layer} expects a batch of images [N×C×H×W] but got a tensor of shape {Tensor.ShapeText(x.Shape)}.");
        if (channels > 0 && x.Dim(1) != channels)
            throw new ArgumentException($"{layer} expects {channels} input channels, i.e. [N×{channels}×H×W], but got a tensor of shape {Tensor.ShapeText(x.Shape)}.");
        return (x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3));
    }
}
