using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Generative;

/// <summary>Draws a generator's noise: the one place a seed turns into z, so a checkpoint and its exported ONNX sampler
/// draw the same images for the same seed (and the same truncation).</summary>
public static class NoiseSampler
{
    /// <summary>The least truncation taken: a component is redrawn until it lands in [−t, t], which a normal draw does with
    /// probability ≈ 0.8·t, so a t near 0 never finishes (1e-30 hung np sample). At 0.01 a component takes ≈ 60 pairs of
    /// draws, and z is within 0.01 of the mode anyway (BigGAN's smallest was 0.04).</summary>
    public const float MinTruncation = 0.01f;

    /// <summary>Fills <paramref name="z"/> (rows of <paramref name="size"/> values) with noise of <paramref name="kind"/>;
    /// <see cref="NoiseKind.Mixture"/> draws from <paramref name="mixture"/>.</summary>
    public static void Draw(NoiseKind kind, Random rng, Span<float> z, int size, LatentMixture? mixture = null)
    {
        switch (kind)
        {
            case NoiseKind.Normal: Initializers.FillNormal(z, 1.0, rng); return;
            case NoiseKind.Mixture:
                (mixture ?? throw new ArgumentException("Mixture noise needs the mixture's components.")).Draw(rng, z, size);
                return;
            default:
                for (int i = 0; i < z.Length; i++) z[i] = (float)(2 * rng.NextDouble() - 1);
                return;
        }
    }

    /// <summary>The noise of <paramref name="count"/> samples of <paramref name="size"/> values each, from <paramref name="seed"/>;
    /// with <paramref name="truncation"/> t, normal noise truncated to |zᵢ| ≤ t (<see cref="Truncate"/>).</summary>
    public static Tensor For(NoiseKind kind, int size, int count, int seed, float? truncation = null, LatentMixture? mixture = null)
    {
        if (count <= 0) throw new ArgumentException($"The number of samples must be positive, got {count}.");
        CheckTruncation(kind, truncation);
        var z = new Tensor(count, size);
        var rng = new Random(seed);
        Draw(kind, rng, z.Span, size, mixture);
        if (truncation is { } t) Truncate(z.Span, t, rng);
        return z;
    }

    /// <summary>The truncation trick (Brock et al. 2019, BigGAN): every component with |zᵢ| &gt; t is drawn again from
    /// N(0, 1) until it falls inside, so z follows the normal truncated to [−t, t] component by component. Sampling
    /// nearer the mode trades the variety of the images for their fidelity.</summary>
    /// <remarks>The redraws come from the same generator, after the whole untruncated draw and in index order, so a
    /// seed and t fix z; a component already inside keeps its value, and t = ∞ would give the plain draw.</remarks>
    public static void Truncate(Span<float> z, float t, Random rng)
    {
        Span<float> two = stackalloc float[2];
        for (int i = 0; i < z.Length; i++)
            while (Math.Abs(z[i]) > t)
            {
                Initializers.FillNormal(two, 1.0, rng);
                z[i] = Math.Abs(two[0]) <= t ? two[0] : two[1];
            }
    }

    /// <summary>Refuses a truncation that is not a positive number or is below <see cref="MinTruncation"/>, or one asked of uniform noise (already bounded, and
    /// not what the trick is defined on).</summary>
    public static void CheckTruncation(NoiseKind kind, float? truncation)
    {
        if (truncation is not { } t) return;
        if (!(t > 0) || !float.IsFinite(t)) throw new ArgumentException($"The noise truncation must be a positive number, got {t}.");
        if (t < MinTruncation)
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The noise truncation must be at least {MinTruncation} (below it the redraws into [−t, t] take too long to finish), got {t}."));
        if (kind == NoiseKind.Mixture)
            throw new ArgumentException("Truncation applies to normal noise; this generator draws from a mixture of Gaussians, whose components are narrowed with --component-sd instead.");
        if (kind != NoiseKind.Normal)
            throw new ArgumentException($"Truncation applies to normal noise; this generator draws {kind.ToString().ToLowerInvariant()} noise in [−1, 1], so give no truncation.");
    }
}
