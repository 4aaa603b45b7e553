using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>The training loops know nothing of files; when one diverges, the command line adds which file still holds
/// the last good state, so the one error line says where to resume from.</summary>
internal static class LastGoodCheckpoint
{
    public static T Guard<T>(string path, Func<T> train)
    {
        try { return train(); }
        catch (TrainingDivergedException e)
        {
            throw new TrainingDivergedException(
                $"{e.Message} The last good checkpoint ({(e.GoodEpochs == 0 ? "the initial weights" : $"after epoch {e.GoodEpochs}")}) is kept in {path}.", e.GoodEpochs);
        }
    }
}
