using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Onnx.Tests.Support;

/// <summary>Values that an export can get wrong: parity on a freshly built network compares zero biases, γ = 1, β = 0 and
/// running statistics (0, 1), where dropping a bias or a batch-norm input changes nothing.</summary>
public static class RealValues
{
    /// <summary>Gives every bias, γ, β and running statistic that still holds its starting constant (all 0 or all 1)
    /// random values: biases, β and running means in ±0.5, γ and running variances in [0.5, 1.5). Values that training or
    /// an initialiser already moved are left as they are.</summary>
    public static T Roughen<T>(T network, int seed) where T : Layer
    {
        var rng = new Random(seed);
        foreach (var p in network.AllParameters().Where(p => p.Name != "weight")) Fill(p.Value, rng);
        foreach (var layer in Walk(network))
            switch (layer)
            {
                case BatchNorm2d bn: Fill(bn.RunningMean, rng); Fill(bn.RunningVariance, rng); break;
                case BatchNorm1d bn: Fill(bn.RunningMean, rng); Fill(bn.RunningVariance, rng); break;
            }
        return network;
    }

    /// <summary><paramref name="rows"/> inputs of <paramref name="length"/> values uniform in [−1, 1): both signs, unlike
    /// pixels, so that a rule that only matters for negative values (max-pool padding, leaky slopes) is exercised.</summary>
    public static float[] Signed(int rows, int length, int seed)
    {
        var rng = new Random(seed);
        var x = new float[rows * length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>The layer and all its descendants.</summary>
    public static IEnumerable<Layer> Walk(Layer layer) => layer.Children.SelectMany(Walk).Prepend(layer);

    private static void Fill(Tensor t, Random rng)
    {
        var s = t.Span;
        if (s.Length == 0 || (s[0] != 0f && s[0] != 1f) || s.ContainsAnyExcept(s[0])) return;
        float centre = s[0];
        foreach (ref float v in s) v = centre + (float)(rng.NextDouble() - 0.5);
    }
}
