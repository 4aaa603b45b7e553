namespace NeuralPipelines.Models.Training;

/// <summary>The one rule for the number of epochs a training run is asked for (classifiers, generative models and the
/// colorizer alike): at least one. A run of 0 epochs trains nothing and writes no checkpoint, yet would report a test
/// accuracy of NaN and name a checkpoint file as if it had a result.</summary>
public static class EpochCount
{
    /// <exception cref="ArgumentException">Fewer than one epoch.</exception>
    public static void Check(int epochs)
    {
        if (epochs < 1) throw new OptionRangeException("Epochs", "--epochs", $"must be at least 1, got {epochs}.");
    }
}
