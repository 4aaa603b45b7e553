using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Models.Generative.Pix2Pix;

/// <summary>A colorizer: the U-Net that maps lightness L to chroma ab at <see cref="Size"/>×<see cref="Size"/> (both scaled
/// as <see cref="Data.Images.LabScaling"/> says), and, while it trains with the adversarial term, its PatchGAN.</summary>
public sealed class ColorizerModel
{
    private readonly Dictionary<string, string> _metadata;

    public ColorizerModel(Layer generator, int size, Layer? discriminator = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var shape = generator.OutputShape([1, size, size]);
        if (!shape.SequenceEqual([2, size, size]))
            throw new ArgumentException($"A colorizer's generator must map [1×{size}×{size}] to [2×{size}×{size}], this one gives {Tensors.Tensor.ShapeText(shape)}.");
        Generator = generator; Size = size; Discriminator = discriminator;
        _metadata = metadata is null ? [] : new Dictionary<string, string>(metadata);
    }

    /// <summary>A fresh model for <paramref name="options"/>: the U-Net and, for l1+gan, the PatchGAN on concat(L, ab).</summary>
    public static ColorizerModel Create(ColorizerOptions options)
    {
        options.Validate();
        var g = UNet.Build(options.Size, 1, 2, options.Ngf, seed: NeuralPipelines.Models.Training.Seeds.Derive(options.Seed, 100));
        var d = options.Loss == ColorizerLoss.L1Gan ? PatchGan.Build(3, options.Ndf, options.NLayers, NeuralPipelines.Models.Training.Seeds.Derive(options.Seed, 101)) : null;
        return new ColorizerModel(g, options.Size, d);
    }

    public Layer Generator { get; }
    public Layer? Discriminator { get; }
    public int Size { get; }
    public IReadOnlyDictionary<string, string> Metadata => _metadata;

    public void SetMetadata(string key, string value) => _metadata[key] = value;
}
