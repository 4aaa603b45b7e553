using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Generative.Training;

/// <summary>How a generative model is trained. Saved in its checkpoint, so a resumed run uses the same values.
/// <see cref="For"/> gives each kind's recipe, the one place its defaults live.</summary>
public sealed record GenerativeOptions
{
    /// <summary>Epochs of the generator's own training (for GMMN+AE, after the auto-encoder's epochs).</summary>
    public int Epochs { get; init; }
    public int BatchSize { get; init; }
    /// <summary>Adam's η for the generator (and the GAN's discriminator).</summary>
    public float LearningRate { get; init; }
    /// <summary>Adam's β₁ (DCGAN's 0.5 damps the oscillation of the two-player game).</summary>
    public float Beta1 { get; init; } = 0.9f;
    public int Seed { get; init; } = 1;
    /// <summary>Bandwidths σ of the MMD's Gaussian kernels, in the space the moments are matched in (pixels or codes).</summary>
    public float[]? Sigmas { get; init; }
    /// <summary>GMMN+AE: epochs of the auto-encoder before the generator trains on its codes.</summary>
    public int AutoencoderEpochs { get; init; }
    public int AutoencoderBatchSize { get; init; } = 100;
    public float AutoencoderLearningRate { get; init; } = 1e-3f;
    /// <summary>β of the exponential moving average of the generator's weights (<see cref="GeneratorAverage"/>), the
    /// generator that samples and is exported; 0 keeps no average. A file written before the average existed has no
    /// value here; <see cref="Checkpoints.GenerativeCheckpoint"/> then takes the recipe's.</summary>
    public float EmaDecay { get; init; }
    /// <summary>The last K epochs over which the generator's (and the GAN's discriminator's) η falls linearly to 0, step by
    /// step (<see cref="LearningRateAt"/>), as pix2pix and CycleGAN train; 0 keeps η constant. Files written before it
    /// existed have no value here and load with 0, the constant η they were trained with.</summary>
    public int LearningRateDecayEpochs { get; init; }
    /// <summary>GAN: the number of Gaussian components of the noise (<see cref="Generative.LatentMixture"/>); 0 draws z ~ N(0, I).
    /// Files written before it existed load with 0, the noise they were trained with.</summary>
    public int LatentComponents { get; init; }
    /// <summary>GAN with a latent mixture: σ of its components in training (<see cref="LatentMixture.TrainingSd"/>).</summary>
    public float LatentSd { get; init; } = LatentMixture.TrainingSd;
    /// <summary>GAN: the channels of both DCGAN networks' 14×14 layer (<see cref="Networks.Dcgan"/>; 64, the peer's); the 7×7
    /// layer has twice as many.</summary>
    public int Features { get; init; } = Networks.Dcgan.Features;
    /// <summary>GAN: the discriminator's own Adam η (two time-scale rates, Heusel et al. 2017), decayed as
    /// <see cref="LearningRate"/> is; null: the same η as the generator.</summary>
    public float? DiscriminatorLearningRate { get; init; }
    /// <summary>GAN: one-sided label smoothing s, D's target for real images 1 − s (<see cref="Gan.GanStep.RealTarget"/>); 0: none.</summary>
    public float LabelSmoothing { get; init; }
    /// <summary>GAN: the share of each batch, rated most real by D, that the generator learns from (<see cref="Gan.TopKSelection"/>); 1: all.</summary>
    public float TopK { get; init; } = 1f;

    public int TotalEpochs => AutoencoderEpochs + Epochs;

    /// <summary>η for batch <paramref name="batch"/> of <paramref name="batches"/> in epoch <paramref name="epoch"/>
    /// (0-based, counted as <see cref="TotalEpochs"/> is): <see cref="LearningRate"/> until the last
    /// <see cref="LearningRateDecayEpochs"/> epochs, then falling linearly to 0 (<see cref="LinearDecay"/>).</summary>
    public float LearningRateAt(int epoch, int batch, int batches) =>
        LinearDecay.RateAt(LearningRate, TotalEpochs, LearningRateDecayEpochs, epoch, batch, batches);

    /// <summary>The GAN discriminator's η at that step when it has its own (<see cref="DiscriminatorLearningRate"/>), on the
    /// same schedule; null when it shares the generator's.</summary>
    public float? DiscriminatorLearningRateAt(int epoch, int batch, int batches) =>
        DiscriminatorLearningRate is { } rate ? LinearDecay.RateAt(rate, TotalEpochs, LearningRateDecayEpochs, epoch, batch, batches) : null;

    /// <summary>The recipe of each kind on 28×28 images.</summary>
    /// <remarks>GAN: the libtorch peer's DCGAN step (batch 64, Adam 2·10⁻⁴, β₁ 0.5), for 50 epochs (6,250 steps on the
    /// shipped split): a LeNet-5's mean confidence on its samples rose slowly with training, 0.892 at 25 epochs, 0.903 at 40,
    /// 0.907–0.911 at 50 over three sample seeds (docs/EXPERIMENTS.md, goal ≥ 0.9). GMMN: the paper's large batches (1,000)
    /// and kernel bandwidths on pixels (σ = 2 … 80), for 200 epochs: on the shipped 8,000-digit split an epoch is only 8
    /// steps, and at 100 epochs the MMD² of its samples to the test set was still 4.1× the floor that real training images
    /// set, at 200 epochs 2.5× (docs/EXPERIMENTS.md, goal ≤ 3×). The GAN samples through an exponential moving average of
    /// its generator's weights, β = 0.999 (Karras et al. 2018, ProGAN; Brock et al. 2019, BigGAN): the generator's own
    /// weights keep circling as D and G chase each other, and their average over the last ~1,000 steps draws cleaner images
    /// (docs/EXPERIMENTS.md, Fashion-MNIST). The moment-matching models have one fixed target and keep none. No recipe
    /// decays its learning rate (<see cref="LearningRateDecayEpochs"/> 0) and none samples truncated noise: on the 34-epoch
    /// Fashion-MNIST GAN the truncation trick lowered a LeNet-5's confidence and raised the LeNet FID at every T below 3, and
    /// a decay to 0 over one or ten more epochs left the confidence where it was (docs/EXPERIMENTS.md, Fashion-MNIST). Nor
    /// does any draw z from a mixture (<see cref="LatentComponents"/> 0): the Fashion-MNIST GAN reaches its confidence goal
    /// with a mixture of 20 sampled narrower than it trained, a per-dataset choice (docs/EXPERIMENTS.md), while on MNIST
    /// the normal noise already meets it and a new default would retrain every documented GAN. Nor does any change the
    /// game or the width (<see cref="Features"/>, <see cref="DiscriminatorLearningRate"/>, <see cref="LabelSmoothing"/>,
    /// <see cref="TopK"/>): screened for six Fashion-MNIST epochs, each moved the confidence by less than a sample seed
    /// does or lowered it (docs/EXPERIMENTS.md). GMMN+AE: the
    /// code is 32 sigmoid units in (0, 1), whose distances are
    /// a few units, so its bandwidths are a few units too.</remarks>
    public static GenerativeOptions For(GenerativeKind kind) => kind switch
    {
        GenerativeKind.Gan => new() { Epochs = 50, BatchSize = 64, LearningRate = 2e-4f, Beta1 = 0.5f, EmaDecay = 0.999f },
        GenerativeKind.Gmmn => new() { Epochs = 200, BatchSize = 1000, LearningRate = 1e-3f, Sigmas = Mmd.DefaultSigmas },
        GenerativeKind.GmmnAe => new()
        {
            Epochs = 100, BatchSize = 1000, LearningRate = 1e-3f, Sigmas = [0.5f, 1f, 2f, 4f, 8f], AutoencoderEpochs = 20,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a generative model"),
    };

    /// <summary>One line for <c>--help</c>.</summary>
    public string Describe()
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        string text = string.Create(ci, $"Adam η={LearningRate} β₁={Beta1}, batch {BatchSize}, {Epochs} epochs");
        if (Sigmas is { } s) text += $", MMD σ = {string.Join(", ", s.Select(v => v.ToString(ci)))}";
        if (LearningRateDecayEpochs > 0) text += string.Create(ci, $", η decays linearly to 0 over the last {LearningRateDecayEpochs} epochs");
        if (EmaDecay > 0) text += string.Create(ci, $", samples from the EMA generator (β {EmaDecay})");
        if (LatentComponents > 0) text += string.Create(ci, $", z from a mixture of {LatentComponents} Gaussians (σ {LatentSd})");
        if (Features != Networks.Dcgan.Features) text += string.Create(ci, $", {Features} features");
        text += DescribeGame();
        if (AutoencoderEpochs > 0) text += string.Create(ci, $", after {AutoencoderEpochs} auto-encoder epochs (batch {AutoencoderBatchSize}, η={AutoencoderLearningRate})");
        return text;
    }

    /// <summary>The GAN's variants of the game that differ from the plain one (", discriminator η=…, real target …, G
    /// learns from the top …"), empty when none does: for <see cref="Describe"/> and the line a training run starts with.</summary>
    public string DescribeGame()
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        string text = DiscriminatorLearningRate is { } dr ? string.Create(ci, $", discriminator η={dr}") : "";
        if (LabelSmoothing > 0) text += string.Create(ci, $", real target {1f - LabelSmoothing}");
        if (TopK < 1) text += string.Create(ci, $", G learns from the top {TopK} of each batch");
        return text;
    }

    public void Validate()
    {
        EpochCount.Check(Epochs);
        if (AutoencoderEpochs < 0) throw new OptionRangeException("AutoencoderEpochs", "--autoencoder-epochs", $"must be ≥ 0, got {AutoencoderEpochs}.");
        // Each named alone: a GAN's --batch-size 0 was reported with the batch of an auto-encoder it does not have.
        if (BatchSize <= 0) throw new OptionRangeException("BatchSize", "--batch-size", $"must be positive, got {BatchSize}.");
        if (AutoencoderBatchSize <= 0) throw new ArgumentException($"The auto-encoder's batch size must be positive, got {AutoencoderBatchSize}.");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate))
            throw new OptionRangeException(nameof(LearningRate), "--lr", $"must be a positive number, got {LearningRate}.");
        // No option sets it, so it is named as the property alone.
        if (!(AutoencoderLearningRate > 0) || !float.IsFinite(AutoencoderLearningRate))
            throw new ArgumentException($"AutoencoderLearningRate must be a positive number, got {AutoencoderLearningRate}.");
        if (!(Beta1 is >= 0f and < 1f)) throw new ArgumentException($"Adam's β₁ must be in [0, 1), got {Beta1}.");
        if (!(EmaDecay is >= 0f and < 1f)) throw new ArgumentException($"The generator average's decay β must be in [0, 1) (0 keeps no average), got {EmaDecay}.");
        if (LearningRateDecayEpochs < 0 || LearningRateDecayEpochs > Epochs)
            throw new ArgumentException($"The learning-rate decay must cover between 0 and the {Epochs} epochs of training, got {LearningRateDecayEpochs}.");
        if (LatentComponents is < 0 or > LatentMixture.MaxComponents)
            throw new ArgumentException($"The latent mixture's component count must be 0 (normal noise) to {LatentMixture.MaxComponents:N0}, got {LatentComponents}.");
        if (!(LatentSd > 0) || !float.IsFinite(LatentSd)) throw new ArgumentException($"A mixture component's σ must be a positive number, got {LatentSd}.");
        if (LatentSd != LatentMixture.TrainingSd && LatentComponents == 0)
            throw new ArgumentException($"A component σ of {LatentSd} needs a latent mixture to apply to; normal noise has no components.");
        if (Features is < 1 or > Networks.Dcgan.MaxFeatures)
            throw new ArgumentException($"The DCGAN networks take 1 to {Networks.Dcgan.MaxFeatures:N0} feature channels, got {Features}.");
        if (DiscriminatorLearningRate is { } dr && (!(dr > 0) || !float.IsFinite(dr)))
            throw new ArgumentException($"The discriminator's learning rate must be a positive number, got {dr}.");
        if (!(LabelSmoothing is >= 0f and < 0.5f)) throw new ArgumentException($"Label smoothing must be in [0, 0.5) (the real target 1 − s stays above ½), got {LabelSmoothing}.");
        if (!(TopK is > 0f and <= 1f)) throw new ArgumentException($"Top-k keeps a fraction of the batch in (0, 1], got {TopK}.");
        if (Sigmas is { } s && (s.Length == 0 || s.Any(v => !(v > 0))))
            throw new ArgumentException($"MMD bandwidths must be positive, got [{string.Join(", ", s)}].");
    }
}
