namespace NeuralPipelines.Data.IO;

/// <summary>An exclusive claim on an output for the length of a run, so that two runs given the same output at once do not
/// both go ahead: each file would still be whole (the writer renames), but their saves would interleave (np train rewrites
/// its checkpoint every epoch) and both would report the file as theirs. The claim is an advisory lock (flock, through
/// <see cref="FileShare.None"/>) on the empty file ".NAME.np-lock" beside the output's real path. The file is deleted when the claim ends,
/// and on SIGINT, SIGTERM and SIGHUP with the temp files (<see cref="TempFiles.Track"/>); one a SIGKILL left is locked and
/// reused by the next run that writes that output, and deleted by it (the kernel drops a dead process's lock).</summary>
public sealed class OutputLock : IDisposable
{
    private readonly IDisposable tracked;
    private readonly FileStream stream;

    private OutputLock(IDisposable tracked, FileStream stream) { this.tracked = tracked; this.stream = stream; }

    /// <summary>The lock file of <paramref name="target"/>: beside the file the output really is (symlinks resolved), so
    /// that two spellings of one output meet at one lock.</summary>
    public static string PathFor(OutputTarget target) =>
        System.IO.Path.Combine(target.Folder, $".{System.IO.Path.GetFileName(target.Path)}.np-lock");

    /// <summary>Claims <paramref name="target"/>; a character device or FIFO (written in place, never replaced) needs no
    /// claim and gets none (null).</summary>
    /// <exception cref="IOException">Another process holds the claim: one line naming the output and, when it can be read,
    /// that process.</exception>
    public static OutputLock? Acquire(OutputTarget target)
    {
        if (target.InPlace) return null;
        var file = PathFor(target);
        // A claim ending deletes its file; a run that opened the file just before that deletion locks a file no longer at
        // the path, so it checks what it locked and tries again (a few times: each retry means another run just ended).
        for (int attempt = 0; attempt < 5; attempt++)
        {
            FileStream stream;
            try { stream = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1); }
            catch (IOException) when (File.Exists(file))
            {
                throw new IOException($"{target.Given}: another process{Holder(file)} is writing this output now; wait for it to end or give another path. Nothing was done.");
            }
            // A folder that takes files (ProbeFolder said so) but not this one: the claim is a guard, not the write, so the
            // run goes on without it rather than fail on a file the user never asked for.
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
            if (!StillAt(stream, file)) { stream.Dispose(); continue; }
            return new OutputLock(TempFiles.Track(file), stream);
        }
        throw new IOException($"{target.Given}: other runs keep claiming and releasing this output; wait for them to end or give another path. Nothing was done.");
    }

    // Whether the open file is the one the path names now (Linux: /proc/self/fd follows to the open file even when deleted).
    private static bool StillAt(FileStream stream, string file)
    {
        if (!OperatingSystem.IsLinux()) return true;
        var open = FileIdentity.Of($"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}");
        var now = FileIdentity.Of(file);
        return open is null || (now is not null && open.SameFileAs(now));
    }

    // The process holding the lock, from the kernel's table (Linux /proc/locks: "1: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE
    // 0 EOF"); the file itself cannot say, since reading it would need the lock it holds.
    private static string Holder(string file)
    {
        try
        {
            if (!OperatingSystem.IsLinux() || FileIdentity.Of(file) is not { Inode: not 0 } id) return "";
            foreach (var line in File.ReadLines("/proc/locks"))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 5 && f[1] == "FLOCK" && f[5].Split(':') is [_, _, var inode] && inode == id.Inode.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    return $" (PID {f[4]})";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return "";
    }

    /// <summary>Ends the claim: the file is deleted while still locked, so no run can lock it after it leaves the path.
    /// (Windows refuses to delete a file held open without sharing: there it is closed first.)</summary>
    public void Dispose()
    {
        if (OperatingSystem.IsWindows()) stream.Dispose();
        tracked.Dispose(); // deletes the file
        stream.Dispose();
    }
}
