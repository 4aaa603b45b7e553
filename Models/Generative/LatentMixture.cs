using NeuralPipelines.Models.Init;

namespace NeuralPipelines.Models.Generative;

/// <summary>A mixture of <see cref="Components"/> Gaussians N(μ_c, σ²I) with equal weights as a generator's noise
/// (Ben-Yosef and Weinshall 2018, "Gaussian mixture generative adversarial networks for diverse datasets"): each sample
/// picks a component, then draws around its mean.</summary>
/// <remarks>An unconditional DCGAN must decide the garment from z itself, and the centre of N(0, I) maps to the centre of
/// the data, so truncating a normal z gives grey, in-between images (docs/EXPERIMENTS.md). A mixture gives the generator
/// separate regions of z to grow modes in, and sampling with a smaller σ than training (<see cref="WithSd"/>) then
/// truncates within a component, nearer each mode's centre, as BigGAN truncates within a class. The means are drawn
/// from U(−1, 1) with a fixed seed (<see cref="MeansSeed"/>), so the component count alone names the latent of a fresh
/// model; they are stored with it (checkpoint and ONNX metadata), so a sampler never re-derives them.</remarks>
public sealed record LatentMixture(int Components, float Sd, float[] Means)
{
    /// <summary>The σ of the components in training: at 0.5 the components were too narrow and the generator collapsed
    /// (one garment never drawn), at 0.75 it lost to 1 on every measure (docs/EXPERIMENTS.md, Fashion-MNIST screens).</summary>
    public const float TrainingSd = 1f;

    /// <summary>The seed of the means: the one the Fashion-MNIST screens drew them with, so the documented run is the
    /// one those screens measured.</summary>
    public const int MeansSeed = 777;

    /// <summary>The most components a mixture may have: its means travel in the checkpoint and as text in the ONNX
    /// metadata, 64 per component, so 10,000 (a few MB, 500 times the documented 20) bounds them; --latent-mixture
    /// 100000000 overflowed the means' array and failed naming no option.</summary>
    public const int MaxComponents = 10_000;

    /// <summary>A fresh mixture of <paramref name="components"/> components over noise of <paramref name="size"/> values,
    /// μ_c ~ U(−1, 1)^size, σ = <see cref="TrainingSd"/>.</summary>
    public static LatentMixture Create(int components, int size)
    {
        if (components is < 1 or > MaxComponents)
            throw new ArgumentException($"A latent mixture needs 1 to {MaxComponents:N0} components, got {components}.");
        var rng = new Random(MeansSeed);
        var means = new float[components * size];
        for (int i = 0; i < means.Length; i++) means[i] = (float)(2 * rng.NextDouble() - 1);
        return new LatentMixture(components, TrainingSd, means);
    }

    /// <summary>The same components drawn with spread <paramref name="sd"/>: below the training σ, samples come from
    /// nearer each component's mean (truncation within a component).</summary>
    public LatentMixture WithSd(float sd) =>
        sd > 0 && float.IsFinite(sd) ? this with { Sd = sd } : throw new ArgumentException($"A mixture component's σ must be a positive number, got {sd}.");

    /// <summary>Fills <paramref name="z"/>, rows of <paramref name="size"/> values, one sample a row: a component
    /// c ~ U{0..K−1}, then z = μ_c + σ·ε with ε ~ N(0, I), in that order from <paramref name="rng"/>.</summary>
    public void Draw(Random rng, Span<float> z, int size)
    {
        for (int row = 0; row + size <= z.Length; row += size)
        {
            int c = rng.Next(Components);
            var part = z.Slice(row, size);
            Initializers.FillNormal(part, 1.0, rng);
            var mean = Means.AsSpan(c * size, size);
            for (int j = 0; j < size; j++) part[j] = mean[j] + Sd * part[j];
        }
    }

    /// <summary>Refuses a noise kind and mixture that disagree (mixture noise without components, components given for
    /// other noise), and components that do not fit <paramref name="size"/>-value noise: the one check a model and an
    /// exported sampler's metadata both pass.</summary>
    public static void CheckPairing(NoiseKind noise, LatentMixture? mixture, int size)
    {
        if ((noise == NoiseKind.Mixture) != (mixture is not null))
            throw new ArgumentException(noise == NoiseKind.Mixture ? "A generator of mixture noise needs the mixture's components." : $"A generator of {noise.ToString().ToLowerInvariant()} noise takes no mixture.");
        mixture?.Validate(size);
    }

    /// <summary><paramref name="mixture"/> drawn with spread <paramref name="sd"/> (<see cref="WithSd"/>); a generator of
    /// other noise (<paramref name="mixture"/> null) is refused, as it has no components to narrow.</summary>
    public static LatentMixture Narrow(LatentMixture? mixture, NoiseKind noise, float sd) =>
        (mixture ?? throw new ArgumentException($"This generator draws {noise.ToString().ToLowerInvariant()} noise, not a mixture of Gaussians: it has no components to narrow.")).WithSd(sd);

    /// <summary>Refuses means that do not fit <paramref name="size"/>-value noise, or a σ that is not positive.</summary>
    public void Validate(int size)
    {
        if (Components < 1 || Means is null || Means.Length != Components * size)
            throw new ArgumentException($"A latent mixture of {Components} components over noise of {size} values needs {Components * size} means, got {Means?.Length ?? 0}.");
        if (!(Sd > 0) || !float.IsFinite(Sd)) throw new ArgumentException($"A mixture component's σ must be a positive number, got {Sd}.");
    }
}
