using System.Numerics.Tensors;
using NeuralPipelines.Models.Settings;
using NeuralPipelines.Models.Tensors;
using Tensor = NeuralPipelines.Models.Tensors.Tensor;

namespace NeuralPipelines.Models.Generative.Gan;

/// <summary>How <see cref="DiscriminatorRejection"/> accepts: γ puts the acceptance score F at zero for this share of the
/// burn-in candidates (0.95: the 95th percentile, so about the best 5 % are accepted almost surely and the rest with
/// falling probability); <see cref="BurnIn"/> candidates fix the largest logit and γ before any is accepted.</summary>
public sealed record DiscriminatorRejectionOptions(double Percentile = 0.95, int BurnIn = 10_000, double Epsilon = 1e-6)
{
    /// <summary>A fixed γ in place of the percentile's. γ = 0 is plain rejection sampling: σ(F) is then exactly
    /// exp(D̃ − D̃*), which turns p_G into p_data when D is the optimal discriminator.</summary>
    public double? Gamma { get; init; }

    /// <summary>Candidates drawn per accepted image at most, before giving up with a clear error.</summary>
    public int MaxCandidatesPerImage { get; init; } = 1_000;

    public void Check()
    {
        if (!(Percentile > 0 && Percentile < 1)) throw new ArgumentException($"The rejection percentile must lie strictly between 0 and 1, got {Percentile}.");
        if (BurnIn < 2) throw new ArgumentException($"Rejection sampling needs at least 2 burn-in candidates, got {BurnIn}.");
        if (Gamma is { } g && !double.IsFinite(g)) throw new ArgumentException($"The rejection γ must be a finite number, got {g}.");
        if (!(Epsilon > 0)) throw new ArgumentException($"The rejection ε must be positive, got {Epsilon}.");
    }
}

/// <summary>What a rejection-sampled draw cost: candidates drawn, images accepted, the largest logit seen and γ.</summary>
public readonly record struct DiscriminatorRejectionReport(int Candidates, int Accepted, double MaxLogit, double Gamma)
{
    public double AcceptanceRate => Candidates == 0 ? 0 : (double)Accepted / Candidates;
}

/// <summary>
/// Discriminator rejection sampling (Azadi, Olsson, Darrell, Goodfellow and Odena, ICLR 2019): the generator proposes,
/// and the trained discriminator's logit D̃(x) decides which proposals to keep. An optimal D has D̃ = log p_data/p_G, so
/// accepting x with probability exp(D̃(x) − D̃*) (D̃* the largest logit) would turn p_G into p_data exactly; a real D is
/// not optimal, so the paper accepts with probability σ(F(x)) where
/// F(x) = D̃(x) − D̃* − log(1 − exp(D̃(x) − D̃* − ε)) − γ,
/// the same ordering of candidates with a shift γ that sets how many are kept.
/// </summary>
/// <remarks>
/// <para>D̃* and γ come from a burn-in of <see cref="DiscriminatorRejectionOptions.BurnIn"/> candidates: D̃* is their
/// largest logit, γ the <see cref="DiscriminatorRejectionOptions.Percentile"/> quantile of their F (γ = 0). After that γ
/// stays fixed (the paper sets it per batch; a fixed γ makes every acceptance independent of which batch a candidate came
/// in), and D̃* rises when a later candidate exceeds it, as in the paper. The burn-in candidates are proposals like any
/// other and go through the same test.</para>
/// <para>Deterministic: the noise comes from one generator seeded with the seed, candidate by candidate, the acceptance
/// draws from a second, so a seed gives the same images whatever the batch size. D sees the generator's images mapped back to [−1, 1], the range it was trained on, in
/// inference mode.</para>
/// </remarks>
public static class DiscriminatorRejection
{
    /// <summary>Draws <paramref name="count"/> accepted images (pixels in [0, 1], the sampler's shape) from a GAN.</summary>
    public static (Tensor Images, DiscriminatorRejectionReport Report) Sample(GenerativeModel model, int count, int seed,
        DiscriminatorRejectionOptions? options = null, GeneratorWeights? weights = null, float? truncation = null, int batchSize = 500)
    {
        options ??= new DiscriminatorRejectionOptions();
        options.Check();
        if (count <= 0) throw new ArgumentException($"The number of samples must be positive, got {count}.");
        if (batchSize <= 0) throw new ArgumentException($"The rejection sampler's batch size must be positive, got {batchSize}.");
        var discriminator = model.Discriminator
            ?? throw new ArgumentException($"Rejection sampling needs the discriminator a GAN was trained with; a {model.Name} has none.");
        if (!model.TanhOutput)
            throw new ArgumentException($"Rejection sampling maps the samples back to the generator's tanh range for its discriminator; this {model.Name} does not end in tanh.");
        NoiseSampler.CheckTruncation(model.Noise, truncation);

        var sampler = model.Sampler(weights);
        int per = model.ImageShape.Aggregate(1, (a, b) => a * b);
        var noiseRng = new Random(seed);
        var acceptRng = new Random(unchecked(seed * 1_000_003 + 17));
        var images = new Tensor([count, .. model.ImageShape]);
        int accepted = 0, candidates = 0;
        long limit = (long)options.MaxCandidatesPerImage * count + options.BurnIn;

        // Burn-in: D̃* and γ from the first candidates; they are then tested like the rest.
        var (burnPixels, burnLogits) = Propose(sampler, discriminator, model, noiseRng, options.BurnIn, truncation, batchSize, per);
        double maxLogit = burnLogits.Max();
        var scores = burnLogits.Select(l => Score(l, maxLogit, options.Epsilon)).ToArray();
        Array.Sort(scores);
        double gamma = options.Gamma ?? scores[Math.Min(scores.Length - 1, (int)Math.Floor(options.Percentile * scores.Length))];
        Offer(burnPixels, burnLogits);

        while (accepted < count)
        {
            if (candidates >= limit)
                throw new InvalidOperationException($"Rejection sampling accepted {accepted} of {candidates:N0} candidates, short of {count}: give a lower percentile.");
            var (pixels, logits) = Propose(sampler, discriminator, model, noiseRng, batchSize, truncation, batchSize, per);
            Offer(pixels, logits);
        }
        return (images, new DiscriminatorRejectionReport(candidates, accepted, maxLogit, gamma));

        void Offer(float[] pixels, double[] logits)
        {
            for (int i = 0; i < logits.Length && accepted < count; i++)
            {
                candidates++;
                maxLogit = Math.Max(maxLogit, logits[i]);
                double f = Score(logits[i], maxLogit, options.Epsilon) - gamma;
                if (acceptRng.NextDouble() < 1 / (1 + Math.Exp(-f)))
                    pixels.AsSpan(i * per, per).CopyTo(images.Span.Slice(accepted++ * per, per));
            }
        }
    }

    /// <summary>F(x) + γ: D̃ − D̃* − log(1 − exp(D̃ − D̃* − ε)), largest (≈ −log ε) for the best candidate seen.</summary>
    public static double Score(double logit, double maxLogit, double epsilon)
    {
        double d = logit - maxLogit;
        return d - Math.Log(-double.ExpM1(d - epsilon));
    }

    /// <summary><paramref name="n"/> candidates: their pixels in [0, 1] and D's logit for each.</summary>
    private static (float[] Pixels, double[] Logits) Propose(Layers.Sequential sampler, Layers.Layer discriminator, GenerativeModel model,
        Random noiseRng, int n, float? truncation, int batchSize, int per)
    {
        var pixels = new float[n * per];
        var logits = new double[n];
        for (int start = 0; start < n; start += batchSize)
        {
            int m = Math.Min(batchSize, n - start);
            // One candidate's noise at a time, so that which images are drawn does not depend on the batch size.
            var z = new Tensor(m, model.NoiseSize);
            for (int i = 0; i < m; i++)
            {
                var one = z.Span.Slice(i * model.NoiseSize, model.NoiseSize);
                model.DrawNoise(noiseRng, one);
                if (truncation is { } t) NoiseSampler.Truncate(one, t, noiseRng);
            }
            var drawn = sampler.Forward(z, training: false);
            drawn.Span[..(m * per)].CopyTo(pixels.AsSpan(start * per));
            // D was trained on [−1, 1], the generator's tanh range: map the sampler's [0, 1] pixels back.
            var seen = new Tensor([m, .. model.ImageShape]);
            TensorPrimitives.Multiply(pixels.AsSpan(start * per, m * per), 2f, seen.Span);
            TensorPrimitives.Subtract(seen.Span, 1f, seen.Span);
            var logit = discriminator.Forward(seen, training: false);
            for (int i = 0; i < m; i++) logits[start + i] = logit.Span[i];
        }
        return (pixels, logits);
    }
}
