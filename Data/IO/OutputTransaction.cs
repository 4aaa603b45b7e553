namespace NeuralPipelines.Data.IO;

/// <summary>The one way outputs are written: each file is staged in a temporary file beside its target (written, fsynced,
/// given the old file's permissions), and <see cref="Commit"/> renames them all into place and fsyncs their folders. If
/// one rename fails, the ones before it are undone (the old files come back from hard-linked copies), so several files
/// written together (an ONNX model and its ML.NET zip) appear together or not at all. A character device or FIFO is
/// written in place at commit, before the renames (it cannot be undone; if it fails, no file has changed). Disposing without committing deletes every temp file.
/// Made with a folder (<see cref="OutputTransaction(string, string)"/>), the files going into that folder are staged in
/// one hidden folder inside it instead, removed with the transaction.</summary>
public sealed class OutputTransaction : IDisposable
{
    private sealed record Staged(OutputTarget Target, string? Temp, IDisposable? Tracker, Func<Stream, Task> Write);

    private readonly List<Staged> staged = [];
    private readonly List<IDisposable> trackers = [];
    private readonly HashSet<string> cleaned = [];
    private readonly string? stagedFolder, purpose;
    private string? staging;
    private IDisposable? stagingTracker;
    private bool committed;

    public OutputTransaction() { }

    /// <summary>A transaction that stages the files it writes into <paramref name="folder"/> in one hidden folder there
    /// (<see cref="TempFiles.StagingFolderFor"/>, named after <paramref name="purpose"/>): a run of thousands of files (np
    /// sample's folder) shows no temp file among its outputs while it runs, and a signal or the next run removes one
    /// folder. It is inside <paramref name="folder"/>, so on its filesystem, and each rename into place is atomic. Files
    /// elsewhere (a symlink's target in another folder) are staged beside their target as usual.</summary>
    public OutputTransaction(string folder, string purpose)
    {
        stagedFolder = Path.GetFullPath(folder);
        this.purpose = purpose;
    }

    // A hidden folder of many files is listed once per transaction, not once per file (5,000 samples: 5,000 listings).
    private void CleanStale(string folder)
    {
        if (cleaned.Add(folder)) TempFiles.CleanStale(folder);
    }

    private string TempNameFor(OutputTarget target)
    {
        if (stagedFolder is null || Path.GetFullPath(target.Folder) != stagedFolder) return TempFiles.NameFor(target.Path);
        if (staging is null)
        {
            var folder = TempFiles.StagingFolderFor(stagedFolder, purpose!);
            stagingTracker = TempFiles.TrackFolder(folder);
            Directory.CreateDirectory(folder);
            TempFiles.Created(folder);
            staging = folder;
        }
        return TempFiles.NameFor(Path.Combine(staging, Path.GetFileName(target.Path)));
    }

    /// <summary>Checks <paramref name="path"/> (see <see cref="OutputTarget.Resolve"/>) and writes its temporary file now.
    /// An exception from <paramref name="write"/> leaves nothing behind.</summary>
    public void Add(string path, Action<Stream> write) =>
        AddAsync(path, s => { write(s); return Task.CompletedTask; }).GetAwaiter().GetResult();

    /// <summary><see cref="Add"/> for a write that waits on something else (a download). <paramref name="verify"/>, if
    /// given, is shown the whole staged file (read-only) before it may be committed: a download is checked against its
    /// digest there, so the output is never a file that failed its check. An exception from either leaves nothing behind.</summary>
    public async Task AddAsync(string path, Func<Stream, Task> write, Action<string>? verify = null)
    {
        if (committed) throw new InvalidOperationException("The outputs were already committed.");
        var target = OutputTarget.Resolve(path, OutputPolicy.Force);
        if (target.InPlace)
        {
            // Written in place, it would be read before it could be checked.
            if (verify is not null) throw new IOException($"{path}: a {(target.Existing!.Kind == FileKind.Fifo ? "FIFO" : "device")} is written in place, so this output could not be checked before it is read; give a regular file. Nothing was written.");
            staged.Add(new Staged(target, null, null, write));
            return;
        }
        CleanStale(target.Folder);
        var temp = TempNameFor(target);
        var tracker = TempFiles.Track(temp);
        trackers.Add(tracker);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                TempFiles.Created(temp);
                await write(stream).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            verify?.Invoke(temp);
            if (target.Existing is { } old && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, (UnixFileMode)(old.Mode & 0x1ff));
        }
        catch (Exception e)
        {
            tracker.Dispose();
            throw Named(e, temp, target);
        }
        staged.Add(new Staged(target, temp, tracker, write));
    }

    /// <summary>Renames every staged file into place (undoing them all if one fails), then writes the in-place ones.</summary>
    public void Commit()
    {
        if (committed) throw new InvalidOperationException("The outputs were already committed.");
        committed = true;
        // In-place targets first: they cannot be undone, and if one fails (a FIFO's reader went away) no file has changed.
        foreach (var s in staged.Where(s => s.Temp is null))
        {
            using var stream = new FileStream(s.Target.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            s.Write(stream).GetAwaiter().GetResult();
            stream.Flush();
        }
        var done = new List<(OutputTarget Target, string? Backup)>();
        var backups = new List<IDisposable>();
        try
        {
            foreach (var s in staged.Where(s => s.Temp is not null))
            {
                string? backup = null;
                if (s.Target.Existing is not null)
                {
                    backup = TempFiles.NameFor(s.Target.Path, ".old");
                    backups.Add(TempFiles.Track(backup));
                    if (!Posix.Link(s.Target.Path, backup)) backup = null;
                    else TempFiles.Created(backup);
                }
                try { File.Move(s.Temp!, s.Target.Path, overwrite: true); }
                catch (Exception e) { throw Named(e, s.Temp!, s.Target); }
                done.Add((s.Target, backup));
            }
        }
        catch
        {
            for (int i = done.Count - 1; i >= 0; i--)
            {
                var (target, backup) = done[i];
                try
                {
                    if (backup is not null) File.Move(backup, target.Path, overwrite: true);
                    else File.Delete(target.Path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
            foreach (var b in backups) b.Dispose();
            throw;
        }
        foreach (var folder in done.Select(d => d.Target.Folder).Distinct()) Posix.SyncFolder(folder);
        foreach (var b in backups) b.Dispose();
    }

    public void Dispose()
    {
        foreach (var t in trackers) t.Dispose();
        stagingTracker?.Dispose();
    }

    // The temp file's name means nothing to the user: messages name the output as given.
    private static Exception Named(Exception e, string temp, OutputTarget target) => e switch
    {
        UnauthorizedAccessException when e.Message.Contains(temp) =>
            new UnauthorizedAccessException($"{target.Given}: cannot write in the folder {target.Folder} (permission denied); nothing was written.", e),
        IOException when e.Message.Contains(temp) =>
            new IOException($"{target.Given}: {e.Message.Replace($" : '{temp}'", "").Replace(temp, target.Path)}; nothing was written.", e),
        // .NET reports EFBIG from a write as this, naming neither the file nor the cause ("Specified file length was too
        // large for the file system. (Parameter 'value')"): a file past FAT32's 4 GB or the process's ulimit -f.
        ArgumentOutOfRangeException { ParamName: "value" } =>
            new IOException($"{target.Given}: the file grew past what the file system or this process's file-size limit (ulimit -f) allows; nothing was written.", e),
        _ => e,
    };
}
