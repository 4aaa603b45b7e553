using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Settings;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Generative.Training;

/// <summary>Builds a fresh generative model for a dataset's images and its training state from options: the networks of
/// the DCGAN peer, and those of the GMMN paper.</summary>
public static class GenerativeSetup
{
    public const int GanNoise = 64, GmmnNoise = 10, Code = 32;

    public static (GenerativeModel Model, GenerativeTrainingState State) Start(GenerativeKind kind, LabelledImages train, GenerativeOptions options)
    {
        options.Validate();
        int[] shape = [train.Channels, train.Height, train.Width];
        int seed = options.Seed;
        if (kind != GenerativeKind.Gan && GanOnly(options) is { } given)
            throw new ArgumentException($"{given} is for the GAN; {SettingNames.Name(kind)} draws uniform noise and has no discriminator.");
        CheckBatches(kind, options, train.Count);
        var mixture = options.LatentComponents > 0 ? LatentMixture.Create(options.LatentComponents, GanNoise).WithSd(options.LatentSd) : null;
        var model = kind switch
        {
            GenerativeKind.Gan when shape is not [1, 28, 28] =>
                throw new ArgumentException($"The DCGAN networks draw 1×28×28 images; {train.Source} has {train.Channels}×{train.Height}×{train.Width}."),
            GenerativeKind.Gan => new GenerativeModel(kind, Dcgan.Generator(GanNoise, options.Features, seed), GanNoise, mixture is null ? NoiseKind.Normal : NoiseKind.Mixture, shape,
                tanhOutput: true, discriminator: Dcgan.Discriminator(options.Features, seed + 1), mixture: mixture),
            GenerativeKind.Gmmn => new GenerativeModel(kind, Gmmn.Generator(GmmnNoise, train.ImageLength, seed), GmmnNoise, NoiseKind.Uniform, shape,
                tanhOutput: false),
            GenerativeKind.GmmnAe => WithAutoencoder(train, shape, seed),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a generative model"),
        };
        model.SetMetadata("seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return (model, new GenerativeTrainingState { Options = options });
    }

    /// <summary>The DCGAN networks' batch norm estimates a variance from each batch, which one image cannot give: a GAN
    /// needs batches of two or more, and so at least two images (a last batch of one is left out, <see cref="GanImagesPerEpoch"/>).
    /// Checked before any work, where a batch of one used to fail in the first epoch's step.</summary>
    public static void CheckBatches(GenerativeKind kind, GenerativeOptions options, int images)
    {
        if (kind != GenerativeKind.Gan) return;
        if (options.BatchSize < 2)
            throw new OptionRangeException("BatchSize", "--batch-size", $"{options.BatchSize}: a GAN trains on batches of at least 2 images (its batch norm estimates a variance from each batch).");
        if (images < 2)
            throw new ArgumentException($"A GAN needs at least 2 training images (its batch norm estimates a variance from each batch), got {images}.");
    }

    /// <summary>The images a GAN epoch of <paramref name="images"/> trains on: all of them, except that a last batch of one
    /// (<paramref name="images"/> ≡ 1 mod <paramref name="batchSize"/>) is left out, as its batch norm cannot train on
    /// it. The image left out is the shuffle's last, another each epoch; every other run keeps every batch it had.</summary>
    public static int GanImagesPerEpoch(int images, int batchSize) => images > 1 && images % batchSize == 1 ? images - 1 : images;

    /// <summary>The first GAN-only option that differs from its default, by name, or null.</summary>
    private static string? GanOnly(GenerativeOptions o) =>
        o.LatentComponents > 0 ? "A latent mixture"
        : o.Features != Dcgan.Features ? "A DCGAN width (Features)"
        : o.DiscriminatorLearningRate is not null ? "A discriminator learning rate"
        : o.LabelSmoothing != 0 ? "Label smoothing"
        : o.TopK != 1 ? "Top-k"
        : null;

    private static GenerativeModel WithAutoencoder(LabelledImages train, int[] shape, int seed)
    {
        var (encoder, decoder) = Gmmn.Autoencoder(train.ImageLength, code: Code, seed: seed + 1);
        return new GenerativeModel(GenerativeKind.GmmnAe, Gmmn.CodeGenerator(GmmnNoise, Code, seed), GmmnNoise, NoiseKind.Uniform, shape,
            tanhOutput: false, autoencoder: new Sequential(encoder, decoder));
    }
}
