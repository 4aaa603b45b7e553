using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace NeuralPipelines.Data.IO;

/// <summary>The temporary files the writer makes beside its outputs: their name pattern, the ones this process has open
/// (deleted on SIGINT, SIGTERM and SIGHUP before the process ends) and the stale ones a killed run left behind (deleted
/// on the next write to their folder); and the staging folders (<see cref="StagingFolderFor"/>) several outputs of one
/// folder are written into first, kept the same way.</summary>
public static partial class TempFiles
{
    private static readonly ConcurrentDictionary<string, byte> Live = new();
    private static readonly ConcurrentDictionary<string, byte> LiveFolders = new();
    private static readonly object SignalLock = new();
    private static List<PosixSignalRegistration>? signals;

    /// <summary>".NAME.np-PID-GUID.tmp": hidden, named after the output it becomes, and recognisable with the process that
    /// made it. (".NAME.PID.GUID.tmp", the pattern before, is recognised too.)</summary>
    public static string NameFor(string target, string purpose = "")
    {
        var folder = Path.GetDirectoryName(target)!;
        return Path.Combine(folder, $".{Path.GetFileName(target)}{purpose}.np-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
    }

    [GeneratedRegex(@"^\..+\.(?:np-)?(\d+)[-.][0-9a-f]{32}\.tmp$")]
    private static partial Regex Pattern();

    /// <summary>The process id in a temp file's name, or null when the name is not one of ours.</summary>
    public static int? OwnerOf(string fileName) => Owner(Pattern(), fileName);

    // The process id a name of one of ours carries in its first group.
    private static int? Owner(Regex pattern, string name)
    {
        var m = pattern.Match(name);
        return m.Success && int.TryParse(m.Groups[1].Value, out var pid) ? pid : null;
    }

    /// <summary>".np-PURPOSE-PID-GUID": a hidden folder inside <paramref name="parent"/> (so on its filesystem, and a
    /// rename out of it is atomic) where a run stages the outputs it will move into <paramref name="parent"/>.</summary>
    public static string StagingFolderFor(string parent, string purpose) =>
        Path.Combine(parent, $".np-{purpose}-{Environment.ProcessId}-{Guid.NewGuid():N}");

    [GeneratedRegex(@"^\.np-[a-z]+-(\d+)-[0-9a-f]{32}$")]
    private static partial Regex FolderPattern();

    /// <summary>The process id in a staging folder's name, or null when the name is not one of ours.</summary>
    public static int? OwnerOfFolder(string folderName) => Owner(FolderPattern(), folderName);

    /// <summary>Remembers a staging folder until the returned handle is disposed, which deletes it and what it holds; a
    /// signal meanwhile deletes it too.</summary>
    public static IDisposable TrackFolder(string path)
    {
        EnsureSignalHandlers();
        LiveFolders[path] = 0;
        if (Ending) { LiveFolders.TryRemove(path, out _); TryDeleteFolder(path); WaitForTheEnd(); }
        return new TrackedFolder(path);
    }

    private sealed class TrackedFolder(string path) : IDisposable
    {
        public void Dispose()
        {
            LiveFolders.TryRemove(path, out _);
            TryDeleteFolder(path);
        }
    }

    /// <summary>Remembers a temp file until the returned handle is disposed; a signal meanwhile deletes it. Call
    /// <see cref="Created"/> once the file exists.</summary>
    public static IDisposable Track(string path)
    {
        EnsureSignalHandlers();
        Live[path] = 0;
        // Past a signal's clean-up: the file is not to be made, and one made before its tracking (a claim's lock file) goes.
        if (Ending) { Live.TryRemove(path, out _); TryDelete(path); WaitForTheEnd(); }
        return new Tracked(path);
    }

    /// <summary>Whether SIGINT, SIGTERM and SIGHUP end this process once its temp files are deleted, as they do np's (the
    /// runtime's default action follows the clean-up). Then the command's thread, which runs on until the runtime ends the
    /// process, must make no temp file after the clean-up: one made then was left behind (a SIGTERM during np train's
    /// save). So once a signal has cleaned up, <see cref="Track"/> and <see cref="Created"/> wait for the end instead.
    /// Off by default: a host that handles the signal itself (ASP.NET Core's graceful shutdown cancels SIGTERM) may go on
    /// writing files after it.</summary>
    public static bool SignalsEndTheProcess { get; set; }

    // 1 once a signal's clean-up has run in a process whose signals end it (SignalsEndTheProcess).
    private static int ending;

    private static bool Ending => Volatile.Read(ref ending) == 1;

    /// <summary>What the command's thread does once the process is ending: waits for the runtime to end it. Tests replace it.</summary>
    internal static Action WaitForTheEnd { get; set; } = () => Thread.Sleep(Timeout.Infinite);

    /// <summary>Says that a tracked temp file or folder now exists. A signal's clean-up that ran between its
    /// <see cref="Track"/> and its creation found nothing to delete; then it is deleted here, and the thread waits for the end.</summary>
    public static void Created(string path)
    {
        if (!Ending) return;
        TryDelete(path);
        TryDeleteFolder(path);
        WaitForTheEnd();
    }

    /// <summary>What a signal does: deletes the live temp files and folders and, where the signal ends the process, marks
    /// it as ending first (so a file tracked or created from then on is not made, see <see cref="Created"/>).</summary>
    internal static void CleanUpForSignal()
    {
        // Marked before the files are listed: a Track that adds its path after the listing reads the mark (both sides
        // go through a full fence: this exchange, the dictionary's lock), so no file escapes both.
        if (SignalsEndTheProcess) Interlocked.Exchange(ref ending, 1);
        DeleteLive();
    }

    /// <summary>Clears the ending mark (tests that call <see cref="CleanUpForSignal"/> in a process that goes on).</summary>
    internal static void ForgetEnding() => Interlocked.Exchange(ref ending, 0);

    private sealed class Tracked(string path) : IDisposable
    {
        public void Dispose()
        {
            Live.TryRemove(path, out _);
            TryDelete(path);
        }
    }

    /// <summary>Deletes the temp files and staging folders this process has open (what a signal does before the process ends).</summary>
    public static void DeleteLive()
    {
        foreach (var path in Live.Keys) TryDelete(path);
        foreach (var path in LiveFolders.Keys) TryDeleteFolder(path);
    }

    /// <summary>Deletes temp files and staging folders in <paramref name="folder"/> whose process is gone: a run killed by
    /// SIGKILL or a power cut could not clean up after itself. Those of live processes (this one included) are left alone.
    /// Returns how many.</summary>
    public static int CleanStale(string folder)
    {
        int removed = 0;
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(folder, ".*.tmp"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
        foreach (var path in candidates)
        {
            if (OwnerOf(Path.GetFileName(path)) is not int pid || IsRunning(pid) || Live.ContainsKey(path)) continue;
            if (TryDelete(path)) removed++;
        }
        IEnumerable<string> folders;
        try { folders = Directory.EnumerateDirectories(folder, ".np-*"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return removed; }
        foreach (var path in folders)
        {
            if (OwnerOfFolder(Path.GetFileName(path)) is not int pid || IsRunning(pid) || LiveFolders.ContainsKey(path)) continue;
            TryDeleteFolder(path);
            if (!Directory.Exists(path)) removed++;
        }
        return removed;
    }

    /// <summary>Whether process <paramref name="pid"/> is running (this one always is): what decides that a file or folder
    /// named after a process was left by a run that is gone.</summary>
    public static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>Deletes a temporary folder of this process's and everything in it, if it can: what is left (a file another
    /// process holds open where that forbids deleting it) stays for the next clean-up rather than failing the caller.</summary>
    public static void TryDeleteFolder(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static bool TryDelete(string path)
    {
        try { if (!File.Exists(path)) return false; File.Delete(path); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    // The handler deletes, then leaves the ending to the runtime, which performs the signal's default action once every
    // handler has returned (exit status 130 SIGINT, 143 SIGTERM, 129 SIGHUP). It used to end the process itself with
    // Environment.Exit, which runs exit() on the signal's thread while the command's thread goes on: a command returning
    // from Main at that moment exits too, and two exits at once can abort the process (the likeliest reading of one CI run
    // where np export exited 134 after SIGTERM; not reproduced in 300 tries).
    private static void OnSignal(PosixSignalContext context) => CleanUpForSignal();

    private static void EnsureSignalHandlers()
    {
        if (signals is not null || OperatingSystem.IsWindows() || OperatingSystem.IsBrowser()) return;
        lock (SignalLock)
        {
            if (signals is not null) return;
            var list = new List<PosixSignalRegistration>();
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
            {
                try { list.Add(PosixSignalRegistration.Create(signal, OnSignal)); }
                catch (PlatformNotSupportedException) { }
            }
            signals = list;
        }
    }
}
