using System.Globalization;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>How good the state after <paramref name="Epoch"/> is, for keeping the best checkpoint: within one phase a higher
/// <paramref name="Value"/> is better; a later phase outranks an earlier one (a GMMN+AE's reconstruction cost and its MMD are
/// not on one scale, and the MMD phase is what the run is for).</summary>
/// <param name="Text">What the value is, for the message ("test accuracy 91.50 %"); empty where epochs are not ranked.</param>
public readonly record struct EpochMerit(int Epoch, int Phase, double Value, string Text)
{
    public bool Beats(EpochMerit other) => Phase != other.Phase ? Phase > other.Phase : Value > other.Value;

    /// <summary>A classifier: its accuracy on the held-out split, the measure early stopping uses too.</summary>
    public static EpochMerit HeldOutAccuracy(int epoch, double accuracy) =>
        new(epoch, 0, accuracy, string.Create(CultureInfo.InvariantCulture, $"test accuracy {100 * accuracy:F2} %"));

    /// <summary>A cost whose lower values mean a better model (MMD, reconstruction, the L1-only colorizer's L1).</summary>
    public static EpochMerit LowestCost(int epoch, int phase, string name, double cost) =>
        new(epoch, phase, -cost, string.Create(CultureInfo.InvariantCulture, $"{name} {cost:g4}"));

    /// <summary>Costs that do not rank models (a GAN's, where D and G pull against each other): the latest good epoch is the best there is.</summary>
    public static EpochMerit Latest(int epoch, int phase = 0) => new(epoch, phase, epoch, "");

    public bool Ranked => Text.Length > 0;

    /// <summary>A classifier's latest epoch, ranked by its held-out accuracy; null before any epoch.</summary>
    public static EpochMerit? Of(TrainingState? state) =>
        state?.History is [.., var last] ? HeldOutAccuracy(state.CompletedEpochs, last.TestAccuracy) : null;

    /// <summary>GMMN epochs rank by their MMD and an auto-encoder's by its reconstruction cost (lower is better; the MMD
    /// phase outranks the auto-encoder's). A GAN's costs do not rank generators (D and G pull against each other, and a
    /// low g_loss can mean a collapsed G that fools a weak D), so its best epoch is its latest good one.</summary>
    public static EpochMerit? Of(GenerativeTrainingState? state) => state?.History is [.., var last]
        ? last.Phase switch
        {
            "gmmn" => LowestCost(state.CompletedEpochs, 1, "MMD cost", last.Losses["mmd"]),
            "autoencoder" => LowestCost(state.CompletedEpochs, 0, "reconstruction cost", last.Losses["reconstruction"]),
            _ => Latest(state.CompletedEpochs),
        }
        : null;

    /// <summary>The L1-only colorizer's epochs rank by their L1 cost (lower is better); with the cGAN, L1 is traded for
    /// sharper colours on purpose and the adversarial costs do not rank generators, so the best is the latest good epoch.</summary>
    public static EpochMerit? Of(ColorizerTrainingState? state) => state?.History is [.., var last]
        ? last.Losses.ContainsKey("d_loss") ? Latest(state.CompletedEpochs) : LowestCost(state.CompletedEpochs, 0, "L1 cost", last.Losses["l1"])
        : null;
}
