using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Settings;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Generative;

/// <summary>A generative model: the generator and what it reads (noise size and kind), what it draws (image shape, pixel
/// range), and the networks it was trained with (a GAN's discriminator; GMMN+AE's encoder and decoder).</summary>
public sealed class GenerativeModel
{
    private readonly Dictionary<string, string> _metadata;

    public GenerativeModel(GenerativeKind kind, Layer generator, int noiseSize, NoiseKind noise, int[] imageShape, bool tanhOutput,
        Layer? discriminator = null, Sequential? autoencoder = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (noiseSize <= 0) throw new ArgumentException($"A generator needs a positive noise size, got {noiseSize}.");
        if (kind == GenerativeKind.Gan && discriminator is null) throw new ArgumentException("A GAN needs its discriminator.");
        if (kind == GenerativeKind.GmmnAe && autoencoder is not { Children.Count: 2 })
            throw new ArgumentException("GMMN+AE needs its auto-encoder as a Sequential of encoder and decoder.");
        Kind = kind; Generator = generator; NoiseSize = noiseSize; Noise = noise; ImageShape = imageShape.ToArray();
        TanhOutput = tanhOutput; Discriminator = discriminator; Autoencoder = autoencoder;
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

    public int NoiseSize { get; }

    public NoiseKind Noise { get; }

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
    public void DrawNoise(Random rng, Span<float> z) => NoiseSampler.Draw(Noise, rng, z);

    /// <summary>The noise of <paramref name="count"/> samples drawn with <paramref name="seed"/> (<see cref="NoiseSampler.For"/>).</summary>
    public Tensor NoiseFor(int count, int seed) => NoiseSampler.For(Noise, NoiseSize, count, seed);

    /// <summary>noise → pixels in [0, 1] of shape [N, ..ImageShape]: the generator, GMMN+AE's decoder, the map from tanh's
    /// range, and the reshape to images. The network that is exported and that <see cref="Sample"/> runs.</summary>
    public Sequential Sampler()
    {
        var layers = new List<Layer> { Generator };
        if (Decoder is { } decoder) layers.Add(decoder);
        if (TanhOutput) layers.Add(ScaleShift.TanhToUnit());
        int[] raw = new Sequential(layers).OutputShape([NoiseSize]);
        if (raw.Length == 1 && raw[0] == ImageShape.Aggregate(1, (a, b) => a * b)) layers.Add(new Reshape(ImageShape));
        return new Sequential(layers);
    }

    /// <summary>Draws <paramref name="count"/> images (pixels in [0, 1]) in inference mode.</summary>
    public Tensor Sample(int count, int seed) => Sampler().Forward(NoiseFor(count, seed), training: false).Clone();
}
