using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>The training loops know nothing of files; when one diverges, the command line adds which file still holds
/// the last good state, so the one error line says where to resume from. It names only a file that exists: the checkpoint
/// this run wrote, or the one it resumed from, or says that nothing was written.</summary>
/// <param name="path">Where this run saves its checkpoint.</param>
/// <param name="resumedFrom">The checkpoint this run continues, if any.</param>
internal sealed class LastGoodCheckpoint(string path, string? resumedFrom)
{
    private bool saved;

    /// <summary>Wraps the save callback, so the guard knows whether <c>path</c> holds this run's state yet.</summary>
    public Action Saving(Action save) => () => { save(); saved = true; };

    public T Guard<T>(Func<T> train)
    {
        try { return train(); }
        catch (TrainingDivergedException e)
        {
            string? holder = saved ? path : resumedFrom;
            string where = holder is not null && File.Exists(holder)
                ? $"The last good checkpoint (after epoch {e.GoodEpochs}) is kept in {holder}{(holder == path ? "" : $"; nothing was written to {path}")}."
                : $"No checkpoint was written (no epoch ended in good health){(File.Exists(path) ? $"; {path} was left as it was" : "")}.";
            throw new TrainingDivergedException($"{e.Message} {where}", e.GoodEpochs);
        }
    }
}
