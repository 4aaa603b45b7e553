using System.Text.Json.Serialization;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Generative.Pix2Pix;

/// <summary>The settings of a colorizer training run, saved in its checkpoint so a resumed run continues with them.
/// Defaults are the paper's: Adam η = 2e-4, β₁ = 0.5, λ = 100, ngf = ndf = 64, n_layers 3; batch 16 as the peer's step.</summary>
/// <param name="Pad">Augmentation: random crops of the photo padded by this many reflected pixels (pix2pix's 286→256
/// jitter is 12%; 4 of 64 is 6%), and random horizontal flips.</param>
/// <param name="LearningRateDecayEpochs">The last K epochs over which both networks' η falls linearly to 0, step by step
/// (<see cref="LinearDecay"/>): the paper's schedule trains at a constant η, then decays it to 0 over as many epochs
/// again. 0 keeps η constant; checkpoints written before it existed load with 0, the schedule they were trained with.</param>
public sealed record ColorizerOptions(
    [property: JsonConverter(typeof(JsonStringEnumConverter))] ColorizerLoss Loss = ColorizerLoss.L1Gan,
    int Size = 64, int Ngf = 64, int Ndf = 64, int NLayers = 3,
    int Epochs = 10, int BatchSize = 16, float LearningRate = 2e-4f, float Beta1 = 0.5f, float Lambda = 100f,
    int Pad = 4, bool Flip = true, int Seed = 42, int LearningRateDecayEpochs = 0)
{
    /// <summary>η for batch <paramref name="batch"/> of <paramref name="batches"/> in 0-based epoch <paramref name="epoch"/>.</summary>
    public float LearningRateAt(int epoch, int batch, int batches) =>
        LinearDecay.RateAt(LearningRate, Epochs, LearningRateDecayEpochs, epoch, batch, batches);

    /// <summary>The image sizes a colorizer is trained at (powers of two, as the U-Net halves down to 1×1); the one list
    /// that the --size help and <see cref="Validate"/> both read.</summary>
    public static readonly IReadOnlyList<int> Sizes = [32, 64, 128, 256];

    /// <summary>The widest networks taken, 8 times the paper's 64: the U-Net's innermost layers are then 4096×4096×4×4
    /// weights (1 GB). A typo such as 100000 asked for a tensor of more elements than an array holds, naming no option.</summary>
    public const int MaxWidth = 512;

    /// <summary>"32, 64, 128 or 256", for help texts and errors.</summary>
    public static string SizesText => $"{string.Join(", ", Sizes.SkipLast(1))} or {Sizes[^1]}";

    public void Validate()
    {
        if (!Sizes.Contains(Size)) throw new ArgumentException($"The colorizer's image size must be {SizesText}, got {Size}.");
        if (Ngf is <= 0 or > MaxWidth || Ndf is <= 0 or > MaxWidth)
            throw new OptionRangeException("Ngf and Ndf", "--ngf and --ndf", $"must be 1 to {MaxWidth}, got {Ngf} and {Ndf}.");
        if (NLayers is < 1 or > 5) throw new OptionRangeException("NLayers", "--n-layers", $"must be 1 to 5, got {NLayers}.");
        // Only the l1+gan loss builds the PatchGAN; past its depth for the size the first step failed inside a convolution.
        if (Loss == ColorizerLoss.L1Gan && NLayers > PatchGan.MaxLayers(Size))
            throw new OptionRangeException("NLayers", "--n-layers", $"{NLayers}: a PatchGAN on {Size}×{Size} photos is at most {PatchGan.MaxLayers(Size)} layers deep (each halves the side), got {NLayers}.");
        EpochCount.Check(Epochs);
        if (BatchSize < 1) throw new OptionRangeException("BatchSize", "--batch-size", $"must be ≥ 1, got {BatchSize}.");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new OptionRangeException("LearningRate", "--lr", $"must be a positive number, got {LearningRate}.");
        if (!(Lambda >= 0) || !float.IsFinite(Lambda)) throw new OptionRangeException("Lambda", "--lambda", $"must be a finite number ≥ 0, got {Lambda}.");
        if (LearningRateDecayEpochs < 0 || LearningRateDecayEpochs > Epochs)
            throw new OptionRangeException("LearningRateDecayEpochs", "--lr-decay-epochs", $"must be between 0 and the {Epochs} epochs of training, got {LearningRateDecayEpochs}.");
        if (Pad < 0 || Pad >= Size / 2) throw new OptionRangeException("Pad", "--pad", $"must be in 0..{Size / 2 - 1}, got {Pad}.");
    }

    public string Describe() =>
        $"loss {ColorizerLosses.Name(Loss)}, {Size}×{Size}, ngf {Ngf}" + (Loss == ColorizerLoss.L1Gan ? $", ndf {Ndf}, n_layers {NLayers}, λ {Lambda}" : "") +
        $", Adam η={LearningRate} β₁={Beta1}" + (LearningRateDecayEpochs > 0 ? $" decaying linearly to 0 over the last {LearningRateDecayEpochs} epochs" : "") + $", batch {BatchSize}, flips{(Flip ? "" : " off")} and crops ±{Pad}";
}
