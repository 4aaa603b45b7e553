using System.Text.Json.Serialization;
using NeuralPipelines.Models.Optimizers;

namespace NeuralPipelines.Models.Generative.Pix2Pix;

/// <summary>Where a colorizer training run stands: options, epochs done, history and the optimisers ("generator",
/// "discriminator") with their moments. Every random draw of epoch e is seeded by (seed, e), so with the weights this is
/// all a resumed run needs to continue bit for bit.</summary>
public sealed class ColorizerTrainingState
{
    public ColorizerOptions Options { get; set; } = new();
    public int CompletedEpochs { get; set; }
    public List<ColorizerEpochReport> History { get; set; } = [];
    public double TrainSeconds { get; set; }

    [JsonIgnore]
    public Dictionary<string, Optimizer> Optimizers { get; } = [];
}

/// <summary>One epoch's mean losses over its batches: l1 always; d_loss, g_gan, d_real, d_fake with a discriminator.</summary>
public sealed record ColorizerEpochReport(int Epoch, int Epochs, IReadOnlyDictionary<string, double> Losses, double Seconds, double ImagesPerSecond);

/// <summary>Progress within an epoch, after each batch (the generator's L1 term).</summary>
public readonly record struct ColorizerBatchProgress(int Epoch, int Epochs, int Batch, int Batches, double L1);
