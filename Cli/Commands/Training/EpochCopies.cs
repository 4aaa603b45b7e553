using System.CommandLine;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary><c>--keep-epochs</c>: besides --out, which every epoch rewrites, a copy of each epoch's checkpoint as
/// NAME.epochE.ckpt, so that a run can be measured after every epoch, or branched from one of them with --resume, without
/// training it again in pieces (a learning-rate decay cannot be cut into --resume links: its schedule counts back from the
/// run's last epoch).</summary>
/// <remarks>Each copy is made after --out is saved and through the atomic writer, so it holds exactly what --out held after
/// that epoch. The copies the run will write are checked before it starts, as --out is: an existing one is another run's
/// work and is replaced only with --force.</remarks>
internal sealed class EpochCopies(string path, bool force, string? resumedFrom)
{
    public static Option<bool> Option() => new("--keep-epochs")
    {
        Description = "Also keep every epoch's checkpoint beside --out as NAME.epochE.ckpt (E = 1, 2, …): to measure the run along the way, or to --resume from an earlier epoch with other options.",
    };

    /// <summary>The copies <paramref name="keep"/> asks for, or null.</summary>
    public static EpochCopies? For(bool keep, string path, bool force, string? resumedFrom) => keep ? new EpochCopies(path, force, resumedFrom) : null;

    /// <summary>NAME.epochE.ckpt beside <paramref name="checkpoint"/>.</summary>
    public static string PathFor(string checkpoint, int epoch) => BestCheckpoint.Sibling(checkpoint, $"epoch{epoch}");

    /// <summary>Refuses, before any training, a copy of epochs <paramref name="first"/>..<paramref name="last"/> that would
    /// replace an existing file (without --force) or an input.</summary>
    public IDisposable Check(int first, int last, bool json)
    {
        var copies = Enumerable.Range(first, Math.Max(0, last - first + 1)).Select(e => PathFor(path, e)).ToList();
        if (!force && copies.FirstOrDefault(File.Exists) is { } taken)
            throw new ArgumentException($"--keep-epochs: {taken} already exists; this run would replace it. Choose another --out, or give --force to replace the copies.");
        return Outputs.Check(force, json, [("--resume", resumedFrom)], [.. copies.Select(c => new OutputOption("--keep-epochs", c, OutputContent.Checkpoint))]);
    }

    /// <summary>Wraps the save callback: after <paramref name="save"/> has written --out, copies it for the epoch
    /// <paramref name="epoch"/> gives.</summary>
    public Action Keeping(Action save, Func<int> epoch) => () =>
    {
        save();
        AtomicFile.Copy(path, PathFor(path, epoch()));
    };
}
