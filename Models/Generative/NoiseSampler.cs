using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Generative;

/// <summary>Draws a generator's noise: the one place a seed turns into z, so a checkpoint and its exported ONNX sampler
/// draw the same images for the same seed.</summary>
public static class NoiseSampler
{
    public static void Draw(NoiseKind kind, Random rng, Span<float> z)
    {
        if (kind == NoiseKind.Normal) { Initializers.FillNormal(z, 1.0, rng); return; }
        for (int i = 0; i < z.Length; i++) z[i] = (float)(2 * rng.NextDouble() - 1);
    }

    /// <summary>The noise of <paramref name="count"/> samples of <paramref name="size"/> values each, from <paramref name="seed"/>.</summary>
    public static Tensor For(NoiseKind kind, int size, int count, int seed)
    {
        if (count <= 0) throw new ArgumentException($"The number of samples must be positive, got {count}.");
        var z = new Tensor(count, size);
        Draw(kind, new Random(seed), z.Span);
        return z;
    }
}
