using System.Globalization;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>What every resumed run (classifier, generative model, colorizer) checks before it trains: that it has the
/// training data the checkpoint was trained on (the bit-for-bit resume promise needs the same shuffles of the same items),
/// and that there are epochs left to train.</summary>
internal static class ResumeChecks
{
    /// <summary>Refuses training data of another size than the checkpoint's (its metadata <c>train_images</c>; a checkpoint
    /// written before it was kept is not checked). <paramref name="items"/> names them: "images", "photos".</summary>
    public static void SameTrainingData(string resumePath, IReadOnlyDictionary<string, string> metadata, int count, string items)
    {
        if (metadata.TryGetValue("train_images", out var trained) && trained != count.ToString(CultureInfo.InvariantCulture))
            throw new ArgumentException($"{resumePath} was trained on {trained} {items} but --data/--train-limit give {count}; resume with the same training data.");
    }

    /// <summary>Refuses to resume a classifier whose run stopped early (--patience): the trainer goes no further once a run
    /// has stopped, so the resumed run printed "epochs 3..5", trained nothing and named a checkpoint it never wrote (audit L3).</summary>
    public static void NotStoppedEarly(string resumePath, string? stopReason)
    {
        if (stopReason is null) return;
        throw new ArgumentException($"{resumePath} stopped early ({stopReason}), so a resumed run would train nothing; " +
            "start a new run with a larger --patience (0: no early stop), or resume from an epoch kept before the stop (--keep-epochs).");
    }

    /// <summary>Refuses a resumed run with no epoch left: <paramref name="total"/> (the new total, <paramref name="given"/> on the
    /// command line or the checkpoint's own) no more than the <paramref name="completed"/> epochs already trained. Such a run
    /// would print "epochs 3..2", train nothing and rewrite the curves as if it had.</summary>
    public static void EpochsLeft(int? given, int total, int completed, string resumePath)
    {
        if (total > completed) return;
        throw new ArgumentException(given is not null
            ? $"--epochs {given}: {resumePath} already has {completed} epochs; with --resume, --epochs is the new total, so give more than {completed}."
            : $"{resumePath} already has all {completed} of its epochs; give --epochs with a larger total to train on.");
    }
}
