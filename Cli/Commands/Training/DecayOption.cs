using System.CommandLine;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary><c>--lr-decay-epochs</c>, shared by the generative models and the colorizer: its wording, and the one rule
/// for giving it with <c>--resume</c>.</summary>
internal static class DecayOption
{
    public static Option<int?> Create(string who, string otherwise) => new("--lr-decay-epochs")
    {
        Description = $"{who}over the last K epochs the learning rate falls linearly to 0, step by step (pix2pix, CycleGAN); 0 keeps it constant " +
                      $"({otherwise}). Saved in the checkpoint; with --resume it may be given to set the schedule of the remaining epochs (counted back from the new total), " +
                      "as long as the decay starts no earlier than the epochs already trained.",
    };

    /// <summary>Epochs already trained took the saved schedule's rates; a new decay of <paramref name="decay"/> epochs out of
    /// <paramref name="total"/> may only reshape the ones to come.</summary>
    public static void CheckResumed(int decay, int total, int completed, string resumePath)
    {
        if (total - decay < completed)
            throw new ArgumentException($"--lr-decay-epochs {decay}: the decay would start at epoch {total - decay + 1}, but {resumePath} has already trained {completed} epochs at the saved rates; give at most {total - completed} (or a larger --epochs).");
    }
}
