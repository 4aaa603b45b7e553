using System.CommandLine;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Cli;

/// <summary>One output option of a command, for <see cref="Outputs.Check"/>. <paramref name="Text"/>: the output is text,
/// so "-" may name stdout.</summary>
public readonly record struct OutputOption(string Option, string? Path, bool Text = false);

/// <summary>What every command does with its output paths before any work starts (so a mistake costs nothing): refuse an
/// output that is an input or another output, a read-only file without --force, a folder, block device or socket, a
/// missing folder, and "-" where the output is not text or stdout already carries --json. The writes themselves go
/// through <see cref="AtomicFile"/> / <see cref="OutputTransaction"/>; see docs/RELIABILITY.md.</summary>
public static class Outputs
{
    public const string Stdout = "-";

    public static Option<bool> ForceOption() => new("--force") { Description = "Replace an output file even when it is read-only (chmod 444)." };

    /// <summary>Checks the outputs; the returned handle, disposed when the command ends, lets the writes replace read-only
    /// files when <paramref name="force"/> is set.</summary>
    public static IDisposable Check(bool force, bool json, IEnumerable<(string Option, string? Path)> inputs, params OutputOption[] outputs)
    {
        foreach (var o in outputs.Where(o => o.Path == Stdout))
        {
            if (!o.Text) throw new ArgumentException($"{o.Option} -: only text outputs can go to stdout; give a file name.");
            if (json) throw new ArgumentException($"{o.Option} -: stdout already carries the --json object; give a file name or leave out --json.");
        }
        SameFile.EnsureOutputsDistinct(inputs, outputs.Select(o => (o.Option, o.Path)));
        foreach (var o in outputs.Where(o => o.Path is not null && o.Path != Stdout))
        {
            try { OutputTarget.Resolve(o.Path!, force); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ArgumentException($"{o.Option} {e.Message}", e); }
        }
        return OutputPolicy.Forcing(force);
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
