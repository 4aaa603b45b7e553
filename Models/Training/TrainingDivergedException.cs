namespace NeuralPipelines.Models.Training;

/// <summary>The loss became NaN or infinite, or the weights or the cost ran away (<see cref="DivergenceGuard"/>): training stopped. The last state handed to <see cref="TrainingCallbacks.Save"/>
/// is the last good one.</summary>
/// <param name="goodEpochs">How many epochs that last good state holds (0: none; the run diverged in its first epoch and saved nothing).</param>
public sealed class TrainingDivergedException(string message, int goodEpochs = 0) : Exception(message)
{
    public int GoodEpochs { get; } = goodEpochs;
}
