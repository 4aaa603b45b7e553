using System.CommandLine;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Onnx.Integrity;

namespace NeuralPipelines.Cli;

/// <summary>What every command does with its output paths before any work starts (so a mistake costs nothing): refuse an
/// empty path, an output that is an input or another output, a read-only file without --force, a folder that takes no new file, an existing model that the output would
/// replace with something of another kind without --force, a folder, block device or socket, a missing folder, "-"
/// where the output is not text (a binary file, or a folder of files) or stdout already carries --json, and np's own stdout
/// pipe by another name (/dev/stdout). The writes themselves go
/// through <see cref="AtomicFile"/> / <see cref="OutputTransaction"/>; see docs/RELIABILITY.md.</summary>
public static class Outputs
{
    public const string Stdout = "-";

    public static Option<bool> ForceOption() => new("--force") { Description = "Replace an output file even when it is read-only (chmod 444) or a model of another kind (a checkpoint, ONNX model or zip)." };

    /// <summary>Checks the outputs; the returned handle, disposed when the command ends, lets the writes replace read-only
    /// files when <paramref name="force"/> is set.</summary>
    public static IDisposable Check(bool force, bool json, IEnumerable<(string Option, string? Path)> inputs, params OutputOption[] outputs)
    {
        // An empty path is most often an unset shell variable (--output "$OUT"); .NET's own message names no option.
        foreach (var (name, path) in inputs.Concat(outputs.Select(o => (o.Option, o.Path))))
            if (path is "") throw new ArgumentException($"{name}: empty; give a path (is a shell variable unset?). Nothing was done.");
        foreach (var o in outputs.Where(o => o.Path == Stdout))
        {
            // A folder named "-" would be made and filled where the user asked for stdout.
            if (!o.Writes.Text) throw new ArgumentException($"{o.Option} -: only text outputs can go to stdout; give a {(o.Writes.IsFolder ? "folder" : "file")} name.");
            if (json) throw new ArgumentException($"{o.Option} -: stdout already carries the --json object; give a file name or leave out --json.");
        }
        // A folder may be an input folder too (np colorize into the photos' own folder); its files are declared and checked.
        var files = outputs.Where(o => !o.Writes.IsFolder).ToArray();
        SameFile.EnsureOutputsDistinct(inputs, files.Select(o => (o.Option, o.Path)));
        var probed = new HashSet<string>(StringComparer.Ordinal);
        (OutputOption Option, OutputTarget Target)? claimed = null;
        foreach (var o in files.Where(o => o.Path is not null && o.Path != Stdout))
        {
            try
            {
                var target = OutputTarget.Resolve(o.Path!, force);
                RefuseOwnStdout(o, target);
                if (!force) RefuseReplacingAModel(o, target);
                // Once per folder: np colorize and np sample write many files into one.
                if (!target.InPlace && probed.Add(target.Folder)) target.ProbeFolder();
                if (claimed is null && !target.InPlace) claimed = (o, target);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ArgumentException($"{o.Option} {e.Message}", e); }
        }
        // The run's first file output stands for all of them (np colorize may write thousands): a second run given it
        // while this one works is refused rather than interleaving its saves with this run's.
        OutputLock? claim = null;
        if (claimed is var (option, first))
        {
            try { claim = OutputLock.Acquire(first); }
            catch (IOException e) { throw new ArgumentException($"{option.Option} {e.Message}", e); }
        }
        return new Scope(OutputPolicy.Forcing(force), claim);
    }

    private sealed class Scope(IDisposable forcing, OutputLock? claim) : IDisposable
    {
        public void Dispose()
        {
            claim?.Dispose();
            forcing.Dispose();
        }
    }

    // np prints its summary lines on stdout: an output written in place into the same pipe (/dev/stdout, /dev/fd/1) would
    // get them mixed into it (an ONNX model followed by "mlp → /dev/stdout …"). "-" is the one spelling of stdout, for text
    // outputs, and moves the summary to stderr. A terminal or /dev/null as both is harmless (nothing there is read back),
    // and a regular file is replaced by rename, so the summary goes to the old file, not into the output.
    private static void RefuseOwnStdout(OutputOption o, OutputTarget target)
    {
        if (target.Existing is not { Kind: FileKind.Fifo } existing || FileIdentity.OfStandardOutput() is not { Inode: not 0 } stdout
            || !existing.SameFileAs(stdout)) return;
        throw new ArgumentException(o.Writes.Text
            ? $"{o.Option} {o.Path}: np's standard output, where its summary lines go too; give - to write there (the summary then goes to stderr), or a file name. Nothing was done."
            : $"{o.Option} {o.Path}: np's standard output, where its summary lines go too, so they would be mixed into {o.Writes.Name}; give a file name (or another pipe, such as >(gzip > x.gz)). Nothing was done.");
    }

    // A model is work that may have taken hours; a CSV or a report written over it by a slip of the command line would
    // destroy it without a word. Another model of the same kind replacing it is what re-exporting or retraining means.
    private static void RefuseReplacingAModel(OutputOption o, OutputTarget target)
    {
        if (target.Existing?.Kind != FileKind.Regular) return;
        var kind = ModelFileKinds.Of(target.Path);
        if (kind == ModelFileKind.None || kind == o.Writes.Model) return;
        throw new ArgumentException(
            $"{o.Option} {o.Path}: an existing {OutputContent.Describe(kind)}; " +
            $"this would replace it with {o.Writes.Name}. Give another path, or --force to replace it.");
    }

    /// <summary>Creates an output folder (and its missing parents) for a run, remembering which it made so that a run that
    /// writes nothing can take them away again; one line naming <paramref name="option"/> when it cannot be made.</summary>
    public static CreatedFolder CreateFolder(string option, string path)
    {
        try { return CreatedFolder.Create(path); }
        catch (IOException e) { throw new ArgumentException($"{option} {e.Message}", e); }
    }

    /// <summary>Writes a text output: to stdout for "-", else through the atomic writer.</summary>
    public static void WriteText(CliContext context, string path, Action<Stream> write)
    {
        if (path != Stdout) { AtomicFile.Write(path, write); return; }
        if (ReferenceEquals(context.Out, Console.Out))
        {
            using var stdout = Console.OpenStandardOutput();
            write(stdout);
            return;
        }
        // In-process callers (tests) hand their own writer.
        using var buffer = new MemoryStream();
        write(buffer);
        context.Out.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        context.Out.Flush();
    }
}
