using NeuralPipelines.Data.IO;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>Which checkpoint files a training run leaves, so that a run stopped by the divergence guard leaves its
/// <b>best</b> epoch at --out (issue 13, point 4), while a healthy run's --out is always its latest epoch (so --resume goes on
/// bit for bit, as before). The training loops know nothing of files; this wraps their save callback and their divergence.</summary>
/// <remarks>
/// No second copy of the weights is held in memory: the best state lives on disk. After each good epoch the latest state is
/// saved at --out; when that epoch is not better than the best so far and --out holds the best, --out is first copied to
/// NAME.best.ckpt. So at any moment --out is the latest epoch, and NAME.best.ckpt, when present, a better earlier one.
/// When training diverges, the two trade places: --out gets the best state and NAME.last.ckpt the last good one, and the
/// one error line names both files and their epochs. A healthy run deletes NAME.best.ckpt at the end, unless it stopped
/// early: then NAME.best.ckpt is the best epoch the stop names, kept.
/// Every copy goes through the atomic writer, so a crash between steps leaves whole files only.
/// </remarks>
public sealed class BestCheckpoint
{
    private readonly string path;
    private readonly string? resumedFrom;
    private readonly bool resumedInPlace;

    /// <summary>The best state on disk: the file holding it and its merit (null: none yet).</summary>
    private (string File, EpochMerit Merit)? best;

    /// <summary>The epoch this run last saved at --out (0: none).</summary>
    private int saved;

    /// <param name="path">Where this run saves its checkpoint (--out).</param>
    /// <param name="resumedFrom">The checkpoint this run continues, if any.</param>
    /// <param name="resumed">The merit of the resumed state (null when not resumed, or resumed from an untrained file).</param>
    /// <param name="readMerit">Reads a checkpoint's merit (used once, for a NAME.best.ckpt an interrupted run left beside a
    /// checkpoint resumed in place: it stays the best if it still is).</param>
    public BestCheckpoint(string path, string? resumedFrom, EpochMerit? resumed, Func<string, EpochMerit?> readMerit)
    {
        this.path = path;
        this.resumedFrom = resumedFrom;
        resumedInPlace = resumedFrom is not null && File.Exists(path) && SameFile.Equal(path, resumedFrom);
        if (resumedFrom is not null && resumed is { } r) best = (resumedInPlace ? path : resumedFrom, r);
        if (resumedInPlace && ReadBeside(readMerit) is { } earlier && earlier.Epoch < resumed?.Epoch && (best is null || earlier.Beats(best.Value.Merit)))
            best = (BestPathFor(path), earlier);
    }

    // A damaged or foreign file there is no best state: the run replaces it when it needs the name.
    private EpochMerit? ReadBeside(Func<string, EpochMerit?> readMerit)
    {
        if (!File.Exists(BestPathFor(path))) return null;
        try { return readMerit(BestPathFor(path)); }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException) { return null; }
    }

    /// <summary>NAME.best.ckpt: a better earlier epoch than --out holds, while a run goes on.</summary>
    public static string BestPathFor(string path) => Sibling(path, "best");

    /// <summary>NAME.last.ckpt: the last good epoch, when a diverged run put its best one at --out.</summary>
    public static string LastPathFor(string path) => Sibling(path, "last");

    /// <summary>NAME.ROLE.ckpt beside <paramref name="path"/> (its own extension kept, .ckpt when it has none).</summary>
    internal static string Sibling(string path, string role) =>
        Path.ChangeExtension(path, $".{role}{(Path.GetExtension(path) is { Length: > 0 } e ? e : ".ckpt")}");

    /// <summary>Wraps the save callback: <paramref name="save"/> writes the current state to the path it is given;
    /// <paramref name="merit"/> says how good the state just finished is.</summary>
    public Action Saving(Action<string> save, Func<EpochMerit> merit) => () =>
    {
        var m = merit();
        if (best is { } b && !m.Beats(b.Merit))
        {
            // --out is about to be replaced by a worse epoch: if it holds the best, the best moves beside it first.
            if (b.File == path) { AtomicFile.Copy(path, BestPathFor(path)); best = (BestPathFor(path), b.Merit); }
            save(path);
        }
        else
        {
            save(path);
            best = (path, m);
            Delete(BestPathFor(path));
        }
        saved = m.Epoch;
    };

    /// <summary>After a run that stopped early (<see cref="Guard"/>'s <c>stoppedEarly</c>), the file holding its best epoch
    /// when that is not --out; null otherwise.</summary>
    public string? KeptBest => keptBest?.File;

    /// <summary>What <see cref="KeptBest"/> holds, for the stop line: "the best epoch (1, test accuracy 15.75 %) is kept in
    /// m.best.ckpt"; null when nothing was kept.</summary>
    public string? KeptBestText => keptBest is { } k ? $"the best epoch ({k.Merit.Epoch}, {k.Merit.Text}) is kept in {k.File}" : null;

    private (string File, EpochMerit Merit)? keptBest;

    /// <param name="train">Runs the training.</param>
    /// <param name="stoppedEarly">Whether the finished run stopped early (a classifier's --patience): then its best epoch,
    /// which early stopping names, is kept beside --out instead of deleted.</param>
    public T Guard<T>(Func<T> train, Func<T, bool>? stoppedEarly = null)
    {
        T result;
        try { result = train(); }
        catch (TrainingDivergedException e)
        {
            throw new TrainingDivergedException($"{e.Message} {Keep()}", e.GoodEpochs);
        }
        // Early stopping is the run's own verdict that an earlier epoch was better: deleting that epoch's copy left the
        // best it named nowhere (audit L4). --out stays the latest epoch, as for every finished run.
        if (stoppedEarly?.Invoke(result) == true && best is { } b && b.File != path)
        {
            keptBest = b;
            return result;
        }
        // A healthy run's --out is its latest epoch, as it always was; the best-so-far copy was only insurance.
        Delete(BestPathFor(path));
        return result;
    }

    /// <summary>Puts the best state at --out (the last good one, when different, at NAME.last.ckpt) and says where each is.</summary>
    private string Keep()
    {
        if (best is not { } b)
            return $"No checkpoint was written (no epoch ended in good health){(File.Exists(path) ? $"; {path} was left as it was" : "")}.";
        string what = b.Merit.Ranked ? $"epoch {b.Merit.Epoch}, {b.Merit.Text}" : $"after epoch {b.Merit.Epoch}";
        if (saved == 0)
            // Nothing trained in this run ended well: the resumed file is the best there is, and it is left where it is.
            return $"The last good checkpoint ({what}) is kept in {b.File}{(b.File == path ? "" : $"; nothing was written to {path}")}.";
        if (b.File == path)
            return b.Merit.Ranked
                ? $"The best checkpoint ({what}), also the last good one, is kept in {path}."
                : $"The last good checkpoint ({what}) is kept in {path}.";
        string last = LastPathFor(path);
        AtomicFile.Copy(path, last);
        AtomicFile.Copy(b.File, path);
        if (b.File == BestPathFor(path)) Delete(b.File);
        string from = b.File == resumedFrom ? $" (copied from the --resume checkpoint {resumedFrom})" : "";
        return $"The best checkpoint ({what}) is kept in {path}{from}; the last good one (epoch {saved}) is in {last}.";
    }

    private static void Delete(string file)
    {
        if (File.Exists(file)) File.Delete(file);
    }
}
