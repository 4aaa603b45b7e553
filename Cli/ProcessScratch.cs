using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Cli;

/// <summary>A temp folder of the np process's own, set as TMPDIR for the run and deleted on the way out.</summary>
/// <remarks>ML.NET writes the ONNX model of each transformer it loads from bytes to the temp folder and never deletes it
/// (see <see cref="NeuralPipelines.Onnx.MlNet.ScopedMLContext"/>); some of those transformers are made by contexts np
/// does not hold (a trainer from ML.NET's catalog), so the whole process gets the folder. Only <see cref="Program.Main"/>
/// takes it: the tests run several commands at once in one process, where one environment variable cannot serve them all.
/// A run ended by a signal may not get to delete its folder (SIGKILL never does), so each run first deletes the folders
/// of runs whose process is gone, as the writer does with its temp files (<see cref="TempFiles.CleanStale"/>).</remarks>
internal sealed class ProcessScratch : IDisposable
{
    private const string Prefix = "np-scratch-";

    /// <summary>How long a gone process's folder stays untouched before a run deletes it. Why not at once: a temp folder
    /// shared between PID namespaces (containers mounting one host /tmp) shows another container's live np as a process
    /// that is gone here; its ML.NET files are read again only while it saves a model, seconds after it wrote them.</summary>
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    private readonly string? _folder;
    private readonly string? _previous;

    private ProcessScratch(string? folder, string? previous) { _folder = folder; _previous = previous; }

    public static ProcessScratch Enter()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return new ProcessScratch(null, null);
        var previous = Environment.GetEnvironmentVariable("TMPDIR");
        try
        {
            CleanStale(Path.GetTempPath());
            var folder = Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-").FullName;
            Environment.SetEnvironmentVariable("TMPDIR", folder);
            // Not also deleted on ProcessExit, which runs while the command's thread may still be working in the folder:
            // the next run removes a folder that a signal left.
            return new ProcessScratch(folder, previous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ProcessScratch(null, null); // an unwritable temp folder fails later, where it is used, with its own message
        }
    }

    public void Dispose()
    {
        if (_folder is null) return;
        Environment.SetEnvironmentVariable("TMPDIR", _previous);
        TempFiles.TryDeleteFolder(_folder);
    }

    /// <summary>Deletes the scratch folders in <paramref name="temp"/> of np processes that are gone, untouched for
    /// <see cref="StaleAfter"/>.</summary>
    private static void CleanStale(string temp)
    {
        foreach (var folder in Directory.EnumerateDirectories(temp, Prefix + "*"))
        {
            var name = Path.GetFileName(folder).AsSpan(Prefix.Length);
            int dash = name.IndexOf('-');
            if (dash > 0 && int.TryParse(name[..dash], out var pid) && !TempFiles.IsRunning(pid)
                && DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) > StaleAfter)
                TempFiles.TryDeleteFolder(folder);
        }
    }
}
