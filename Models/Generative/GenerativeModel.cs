using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Settings;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Generative;

/// <summary>A generative model: the generator and what it reads (noise size and kind), what it draws (image shape, pixel
/// range), the networks it was trained with (a GAN's discriminator; GMMN+AE's encoder and decoder), and the moving
/// average of the generator's weights that samples in its place when there is one.</summary>
public sealed class GenerativeModel
{
    private readonly Dictionary<string, string> _metadata;

    public GenerativeModel(GenerativeKind kind, Layer generator, int noiseSize, NoiseKind noise, int[] imageShape, bool tanhOutput,
        Layer? discriminator = null, Sequential? autoencoder = null, IReadOnlyDictionary<string, string>? metadata = null,
        Layer? averageGenerator = null, LatentMixture? mixture = null)
    {
        if (noiseSize <= 0) throw new ArgumentException($"A generator needs a positive noise size, got {noiseSize}.");
        LatentMixture.CheckPairing(noise, mixture, noiseSize);
        Mixture = mixture;
        if (kind == GenerativeKind.Gan && discriminator is null) throw new ArgumentException("A GAN needs its discriminator.");
        if (kind == GenerativeKind.GmmnAe && autoencoder is not { Children.Count: 2 })
            throw new ArgumentException("GMMN+AE needs its auto-encoder as a Sequential of encoder and decoder.");
        Kind = kind; Generator = generator; NoiseSize = noiseSize; Noise = noise; ImageShape = imageShape.ToArray();
        TanhOutput = tanhOutput; Discriminator = discriminator; Autoencoder = autoencoder;
        if (averageGenerator is not null && averageGenerator.Spec.ToJson() != generator.Spec.ToJson())
            throw new ArgumentException($"The {Name} generator's moving average is not built as the generator (their layer specs differ).");
        AverageGenerator = averageGenerator;
        _metadata = metadata?.ToDictionary() ?? [];
        int[] drawn = Sampler().OutputShape([noiseSize]);
        if (!drawn.AsSpan().SequenceEqual(ImageShape))
            throw new ArgumentException($"The {Name} generator draws {Tensor.ShapeText(drawn)} from noise [{noiseSize}], not images of shape {Tensor.ShapeText(ImageShape)}.");
    }

    public GenerativeKind Kind { get; }

    /// <summary>"gan", "gmmn" or "gmmn-ae".</summary>
    public string Name => SettingNames.Name(Kind);

    /// <summary>noise → images (GAN, GMMN), or noise → codes (GMMN+AE).</summary>
    public Layer Generator { get; }

    /// <summary>The exponential moving average of <see cref="Generator"/>'s weights (<see cref="Training.GeneratorAverage"/>),
    /// or null when the model was trained without one. It is what <see cref="Sampler"/> runs unless asked otherwise.</summary>
    public Layer? AverageGenerator { get; private set; }

    /// <summary>Starts the moving average from the generator's current weights, if there is none yet.</summary>
    public Layer StartAverage() => AverageGenerator ??= Training.GeneratorAverage.StartFrom(Generator);

    /// <summary>Forgets the moving average, so that the model samples its raw generator until training starts a new one
    /// (<c>np train --resume … --ema β</c>: an average begun afresh from the generator as it stands).</summary>
    public void DropAverage() => AverageGenerator = null;

    /// <summary>Gives the moving average the raw generator's batch-norm running statistics in place of its standing ones
    /// (<see cref="Training.AverageStatistics.Raw"/>), for this model in memory only: an ablation, since a variance is
    /// not linear in the weights and the raw statistics belong to other weights (<see cref="Training.GeneratorAverage"/>).</summary>
    public void GiveAverageRawStatistics()
    {
        var average = AverageGenerator ?? throw new ArgumentException($"This {Name} has no moving average of its generator, so no statistics of one to replace.");
        foreach (var (to, from) in average.AllBuffers().Zip(Generator.AllBuffers())) from.Span.CopyTo(to.Span);
    }

    /// <summary>Which generator samples when <paramref name="asked"/> (null: the average when there is one): refuses an
    /// average the model does not have.</summary>
    public GeneratorWeights Weights(GeneratorWeights? asked = null) => asked switch
    {
        null => AverageGenerator is null ? GeneratorWeights.Raw : GeneratorWeights.Ema,
        GeneratorWeights.Ema when AverageGenerator is null =>
            throw new ArgumentException($"This {Name} has no moving average of its generator (it was trained without one); sample its raw generator."),
        { } w => w,
    };

    public int NoiseSize { get; }

    public NoiseKind Noise { get; }

    /// <summary>The mixture of Gaussians the noise is drawn from when <see cref="Noise"/> is <see cref="NoiseKind.Mixture"/>,
    /// else null. Sampling may narrow its components (<see cref="DrawComponentsWithSd"/>); training draws with the σ it was
    /// trained with.</summary>
    public LatentMixture? Mixture { get; private set; }

    /// <summary>From now on this model's noise comes from its mixture's components with spread <paramref name="sd"/>
    /// (<see cref="LatentMixture.Narrow"/>), which it returns: for sampling a loaded model, not for training or saving it.</summary>
    public LatentMixture DrawComponentsWithSd(float sd) => Mixture = LatentMixture.Narrow(Mixture, Noise, sd);

    /// <summary>Per-example shape of a drawn image, e.g. [1, 28, 28].</summary>
    public int[] ImageShape { get; }

    /// <summary>Whether the generator (or decoder) ends in tanh, drawing pixels in [−1, 1]; else they are in [0, 1].</summary>
    public bool TanhOutput { get; }

    /// <summary>The GAN's discriminator (one logit per image), or null.</summary>
    public Layer? Discriminator { get; }

    /// <summary>GMMN+AE's encoder then decoder, trained together, or null.</summary>
    public Sequential? Autoencoder { get; }

    public Layer? Encoder => Autoencoder?.Children[0];

    public Layer? Decoder => Autoencoder?.Children[1];

    public IReadOnlyDictionary<string, string> Metadata => _metadata;

    public void SetMetadata(string key, string value) => _metadata[key] = value;

    /// <summary>Fills <paramref name="z"/> with noise of this model's kind.</summary>
    public void DrawNoise(Random rng, Span<float> z) => NoiseSampler.Draw(Noise, rng, z, NoiseSize, Mixture);

    /// <summary>The noise of <paramref name="count"/> samples drawn with <paramref name="seed"/>, truncated to |zᵢ| ≤
    /// <paramref name="truncation"/> when given (<see cref="NoiseSampler.For"/>).</summary>
    public Tensor NoiseFor(int count, int seed, float? truncation = null) => NoiseSampler.For(Noise, NoiseSize, count, seed, truncation, Mixture);

    /// <summary>noise → pixels in [0, 1] of shape [N, ..ImageShape]: the generator (its moving average unless
    /// <paramref name="weights"/> says <see cref="GeneratorWeights.Raw"/>), GMMN+AE's decoder, the map from tanh's range,
    /// and the reshape to images. The network that is exported and that <see cref="Sample"/> runs.</summary>
    public Sequential Sampler(GeneratorWeights? weights = null)
    {
        var layers = new List<Layer> { Weights(weights) == GeneratorWeights.Ema ? AverageGenerator! : Generator };
        if (Decoder is { } decoder) layers.Add(decoder);
        if (TanhOutput) layers.Add(ScaleShift.TanhToUnit());
        int[] raw = new Sequential(layers).OutputShape([NoiseSize]);
        if (raw.Length == 1 && raw[0] == ImageShape.Aggregate(1, (a, b) => a * b)) layers.Add(new Reshape(ImageShape));
        return new Sequential(layers);
    }

    /// <summary>Draws <paramref name="count"/> images (pixels in [0, 1]) in inference mode.</summary>
    public Tensor Sample(int count, int seed, GeneratorWeights? weights = null, float? truncation = null) =>
        Sampler(weights).Forward(NoiseFor(count, seed, truncation), training: false).Clone();
}
