using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>The checks <c>np train</c> makes on its checkpoint path before it loads data or trains: an existing file at
/// --out is another run's work, so a new run refuses to start over it unless --force (or --resume of that very file).
/// Even with --force the old file stays until the first epoch has finished: the trainers never save untrained weights.</summary>
internal static class TrainingOutput
{
    public static System.CommandLine.Option<bool> ForceOption() => new("--force")
    {
        Description = "Start over an existing file at --out (it is replaced after the first epoch, not before), and replace read-only outputs.",
    };

    /// <param name="path">The checkpoint this run will write.</param>
    /// <param name="resumedFrom">The --resume checkpoint, if any; writing over it is what resuming means.</param>
    /// <param name="beside">The pictures written next to the checkpoint (curves, samples, contact sheet).</param>
    /// <param name="data">The --data given: when it is a folder, every file in it is an input that --out must not replace.</param>
    public static IDisposable Check(string path, string? resumedFrom, string? data, bool force, bool json, params (string What, string Path)[] beside)
    {
        // A checkpoint is rewritten after every epoch and read back (--resume, the best epoch's copy): a FIFO or a device
        // cannot be that, so it is refused rather than written in place.
        if (FileIdentity.Of(path) is { Kind: FileKind.Fifo or FileKind.CharacterDevice } special)
            throw new ArgumentException($"--out {path}: a {(special.Kind == FileKind.Fifo ? "FIFO" : "character device")}; np train rewrites its checkpoint after every epoch and reads it back, so --out must be a regular file. Nothing was done.");
        (string, string?)[] dataFiles = data is not null && Directory.Exists(data)
            ? Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories).Select(f => ("--data", (string?)f)).ToArray()
            : [];
        // Before "already exists", so that --force cannot make --out replace a file of the training data.
        SameFile.EnsureOutputsDistinct(dataFiles, [("--out", path)]);
        bool continuing = resumedFrom is not null && File.Exists(path) && SameFile.Equal(path, resumedFrom);
        if (File.Exists(path) && !continuing && !force)
            throw new ArgumentException(
                $"--out {path} already exists{(resumedFrom is null ? "" : $" and is not the --resume checkpoint {resumedFrom}")}; a new run would replace it. " +
                $"Continue it with --resume {path}, choose another --out, or give --force to replace it once the first epoch has finished.");
        (string, string?)[] inputs = [.. dataFiles, .. continuing ? [] : new[] { ("--resume", resumedFrom) }];
        // The files the divergence guard may write beside the checkpoint (BestCheckpoint) are outputs too.
        return Outputs.Check(force, json, inputs, [new OutputOption("--out", path, OutputContent.Checkpoint), .. beside.Select(b => new OutputOption(b.What, b.Path, OutputContent.Png)),
            new OutputOption("the best checkpoint", BestCheckpoint.BestPathFor(path), OutputContent.Checkpoint),
            new OutputOption("the last good checkpoint", BestCheckpoint.LastPathFor(path), OutputContent.Checkpoint)]);
    }
}
