using System.CommandLine;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Gan;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Settings;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Cli.Commands;

/// <summary>Draws images from a generator file, its checkpoint or its ONNX export, with the same noise for the same seed
/// whichever is given: the one place <c>np sample</c> and <c>np evaluate-generator</c> read a generator.</summary>
internal static class GeneratorFile
{
    /// <summary><c>--generator ema|raw</c>, shared by np sample, np export and np evaluate-generator.</summary>
    public static Option<string?> WeightsOption() => new("--generator")
    {
        Description = "Which generator of a checkpoint draws: ema (the moving average of its weights, kept by training with --ema; " +
                      "the default when the checkpoint has one) or raw (the weights as the last training step left them; the default otherwise). " +
                      "An ONNX export holds one of them, named in its metadata (generator_weights).",
    };

    /// <summary><c>--truncation T</c>, shared by np sample and np evaluate-generator.</summary>
    public static Option<float?> TruncationOption() => new("--truncation")
    {
        Description = "Draw the normal noise truncated to |z_i| <= T (components outside are drawn again: BigGAN's truncation trick), " +
                      "trading variety for fidelity; the same seed and T draw the same noise, and the same images to within one level of a pixel, from a checkpoint and its ONNX export. " +
                      $"T at least {NoiseSampler.MinTruncation.ToString(System.Globalization.CultureInfo.InvariantCulture)}; absent: the untruncated normal. A generator of uniform noise (gmmn, gmmn-ae) refuses it.",
    };

    /// <summary><c>--component-sd S</c>, shared by np sample and np evaluate-generator.</summary>
    public static Option<float?> ComponentSdOption() => new("--component-sd")
    {
        Description = "A generator trained on a mixture of Gaussians (np train gan --latent-mixture K) draws from its components with spread S " +
                      "in place of the σ it was trained with (1): below it, samples come from nearer each component's mean (truncation within a " +
                      "component), trading variety for fidelity; the same seed and S draw the same noise, and the same images to within one level of a pixel, from a checkpoint and its ONNX export. " +
                      "Absent: the training σ. Other generators refuse it.",
    };

    /// <summary><c>--rejection P</c>, shared by np sample and np evaluate-generator.</summary>
    public static Option<double?> RejectionOption() => new("--rejection")
    {
        Description = "Discriminator rejection sampling (Azadi et al. 2019): a GAN checkpoint's discriminator keeps or rejects each proposed image, " +
                      "accepting with probability σ(F), F its logit's distance from the best seen, shifted so that F = 0 at this percentile of " +
                      "10,000 burn-in proposals (0.95: about the best 5 % kept surely). Needs the checkpoint (an ONNX export holds no discriminator). " +
                      "Absent: every proposal is kept.",
    };

    /// <summary>The <c>rejection</c> object of np sample's and np evaluate-generator's <c>--json</c> (null without
    /// <c>--rejection</c>): one shape for both, since scripts read it from either.</summary>
    public static object? RejectionJson(double? percentile, DiscriminatorRejectionReport? report) =>
        report is { } r ? new { Percentile = percentile, r.Candidates, r.Accepted, r.AcceptanceRate, r.Gamma, r.MaxLogit } : null;

    /// <summary>The value of <see cref="WeightsOption"/>, or null when it was not given.</summary>
    public static GeneratorWeights? Weights(string? text) => text is null ? null : SettingNames.Parse<GeneratorWeights>(text, "--generator");

    /// <summary>The generator of <paramref name="model"/> that <paramref name="asked"/> names (null: its average when it
    /// keeps one); an average it lacks is refused naming the file.</summary>
    public static GeneratorWeights Choose(string path, GenerativeModel model, GeneratorWeights? asked) =>
        asked == GeneratorWeights.Ema && model.AverageGenerator is null
            ? throw new ArgumentException($"{path}: the checkpoint keeps no moving average of its generator (trained with --ema 0, or before there was one); give --generator raw or leave it out.")
            : model.Weights(asked);

    /// <summary>The images as pixels in [0, 1], their shape, the model's kind and which generator drew them (ema or raw;
    /// <see cref="GeneratorSampling.Weights"/> null takes the average when there is one). A checkpoint's sampler runs
    /// <paramref name="batchSize"/> images at a time (the noise is drawn for all of them at once, so the images do not
    /// depend on it), which keeps 10,000 DCGAN samples from needing gigabytes of activations.</summary>
    /// <remarks>With a <see cref="GeneratorSampling.Rejection"/> percentile a GAN checkpoint's discriminator filters the proposals
    /// (<see cref="DiscriminatorRejection"/>), and the last element says what that cost; it is null otherwise.</remarks>
    /// <param name="countOption">The option <paramref name="count"/> came from, named when it is more than one draw holds.</param>
    public static (float[] Pixels, int[] Shape, string Kind, string Weights, DiscriminatorRejectionReport? Rejection) Draw(string path, int count, int seed,
        GeneratorSampling sampling, int batchSize = int.MaxValue, string countOption = "--count")
    {
        var (weights, truncation, componentSd, rejection, statistics) = sampling;
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file.", path);
        if (rejection is { } r && !(r > 0 && r < 1))
            throw new ArgumentException($"--rejection must lie strictly between 0 and 1 (a percentile such as 0.95), got {r.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        if (CheckpointFile.IsMeantAsCheckpoint(path))
        {
            var content = CheckpointFile.Load(path);
            if (!GenerativeCheckpoint.IsGenerative(content.Kind))
                throw new ArgumentException($"{path} holds a {content.Kind} model, not a generator: it must be a gan, gmmn or gmmn-ae checkpoint or its ONNX export.");
            var m = GenerativeCheckpoint.FromContent(path, content).Model;
            CheckCount(countOption, count, m.ImageShape);
            var chosen = Choose(path, m, weights);
            if (statistics == AverageStatistics.Raw)
            {
                if (chosen != GeneratorWeights.Ema)
                    throw new ArgumentException($"{path}: --average-statistics raw replaces the statistics of the moving average, but the raw generator draws here; give --generator ema (the checkpoint {(m.AverageGenerator is null ? "keeps no average" : "keeps one")}).");
                m.GiveAverageRawStatistics();
            }
            CheckTruncation(path, m.Noise, truncation);
            if (componentSd is { } spread) Named(path, spread, () => m.DrawComponentsWithSd(spread));
            string drew = SettingNames.Name(chosen);
            if (rejection is { } percentile)
            {
                if (m.Discriminator is null)
                    throw new ArgumentException($"{path}: --rejection needs a GAN's discriminator; a {m.Name} checkpoint has none.");
                var (kept, report) = DiscriminatorRejection.Sample(m, count, seed, new DiscriminatorRejectionOptions(percentile), chosen, truncation,
                    Math.Min(batchSize, 500));
                return (kept.Span.ToArray(), m.ImageShape, m.Name, drew, report);
            }
            if (count <= batchSize) return (m.Sample(count, seed, chosen, truncation).Span.ToArray(), m.ImageShape, m.Name, drew, null);
            var z = m.NoiseFor(count, seed, truncation);
            var sampler = m.Sampler(chosen);
            int per = m.ImageShape.Aggregate(1, (a, b) => a * b);
            var pixels = new float[count * per];
            for (int start = 0; start < count; start += batchSize)
            {
                int n = Math.Min(batchSize, count - start);
                var batch = new Models.Tensors.Tensor(z.Span.Slice(start * m.NoiseSize, n * m.NoiseSize).ToArray(), n, m.NoiseSize);
                sampler.Forward(batch, training: false).Span[..(n * per)].CopyTo(pixels.AsSpan(start * per));
            }
            return (pixels, m.ImageShape, m.Name, drew, null);
        }
        if (rejection is not null)
            throw new ArgumentException($"{path}: --rejection needs the GAN checkpoint's discriminator, and an ONNX export holds only the generator.");
        if (statistics == AverageStatistics.Raw)
            throw new ArgumentException($"{path}: --average-statistics raw needs the checkpoint, which holds both generators; an ONNX export holds one, with its statistics baked in.");
        using var scorer = OnnxScorer.Load(path, new OnnxScorerOptions { Log = _ => { } });
        var card = scorer.Card?.Generator
            ?? throw new ArgumentException($"{path}: not a generator (its ONNX metadata has no 'generator' entry describing the noise it reads); a sampler exported by np export from a gan, gmmn or gmmn-ae checkpoint is needed.");
        if (scorer.InputShape is not [var size] || size != card.NoiseSize)
            throw new ArgumentException($"{path}: its input has shape [batch, {string.Join(", ", scorer.InputShape)}] but a noise vector of {card.NoiseSize} values was expected.");
        // Exports written before the moving average existed do not say, and ran the raw generator.
        string held = scorer.Card?.Training?.GetValueOrDefault(ModelCard.GeneratorWeightsKey) ?? SettingNames.Name(GeneratorWeights.Raw);
        if (weights is { } asked && SettingNames.Name(asked) != held)
            throw new ArgumentException($"{path} is an ONNX export of the {held} generator only; --generator {SettingNames.Name(asked)} needs the checkpoint it was exported from.");
        CheckCount(countOption, count, card.ImageShape);
        CheckTruncation(path, card.Noise, truncation);
        var mixture = card.Noise == NoiseKind.Mixture ? card.Mixture : null;   // other noise reads no components, stray ones included
        try { LatentMixture.CheckPairing(card.Noise, mixture, card.NoiseSize); }
        catch (ArgumentException e) { throw new ArgumentException($"{path}: the noise in its metadata is unusable: {e.Message}"); }
        if (componentSd is { } sd) mixture = Named(path, sd, () => LatentMixture.Narrow(mixture, card.Noise, sd));
        var noise = NoiseSampler.For(card.Noise, card.NoiseSize, count, seed, truncation, mixture);
        return (scorer.Score(noise.Span, count), card.ImageShape, SettingNames.Name(card.Kind), held, null);
    }

    /// <summary>Runs <paramref name="narrow"/>, naming the file and the option in its refusal.</summary>
    private static T Named<T>(string path, float sd, Func<T> narrow)
    {
        try { return narrow(); }
        catch (ArgumentException e) { throw new ArgumentException($"{path}: --component-sd {Text(sd)}: {e.Message}"); }
    }

    private static string Text(float value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Refuses more images than one array of pixels holds, before any noise is drawn: --count 3000000 used to
    /// draw its noise for seconds, then fail naming a tensor shape and no option.</summary>
    private static void CheckCount(string countOption, int count, int[] imageShape)
    {
        long per = imageShape.Aggregate(1L, (a, b) => a * b);
        long most = int.MaxValue / per;
        if (count > most)
            throw new ArgumentException($"{countOption} {count}: at most {most:N0} images of {string.Join('×', imageShape)} pixels fit in one draw.");
    }

    /// <summary><see cref="NoiseSampler.CheckTruncation"/>, naming the file and the option.</summary>
    private static void CheckTruncation(string path, NoiseKind noise, float? truncation)
    {
        try { NoiseSampler.CheckTruncation(noise, truncation); }
        catch (ArgumentException e) { throw new ArgumentException($"{path}: --truncation {truncation?.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {e.Message}"); }
    }
}
