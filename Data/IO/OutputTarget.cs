namespace NeuralPipelines.Data.IO;

/// <summary>Where an output really goes, decided before anything is written: a regular file (or a new path) is replaced by
/// rename, a symlink's target is replaced rather than the link, a character device or FIFO is written in place, and
/// anything else (a folder, a block device, a socket, a read-only file without force) is refused with one line.</summary>
/// <param name="Given">The path as the user wrote it (what messages name).</param>
/// <param name="Path">The file to replace, every symlink resolved; for an in-place target, the given path.</param>
/// <param name="Existing">What is there now; null for a new file.</param>
public sealed record OutputTarget(string Given, string Path, FileIdentity? Existing)
{
    /// <summary>A character device (such as /dev/null or a terminal) or a FIFO: opened and written, never replaced.</summary>
    public bool InPlace => Existing?.Kind is FileKind.CharacterDevice or FileKind.Fifo;

    public string Folder => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>Checks <paramref name="path"/> as an output; throws with one line naming it when it cannot be one.</summary>
    /// <param name="force">Replace a read-only file (the command line's --force).</param>
    public static OutputTarget Resolve(string path, bool force)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("An output path is empty.");
        var full = System.IO.Path.GetFullPath(path);
        var existing = FileIdentity.Of(full);
        switch (existing?.Kind)
        {
            case null:
                // A new file, or a symlink to one that does not exist yet: the link stays and its target is created.
                var target = new FileInfo(full).LinkTarget is null ? full : File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
                var folder = System.IO.Path.GetDirectoryName(target)!;
                if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{path}: the folder {folder} does not exist; nothing was written.");
                return new OutputTarget(path, target, null);
            case FileKind.Regular:
                var real = Posix.RealPath(full) ?? (new FileInfo(full).LinkTarget is null ? full : File.ResolveLinkTarget(full, returnFinalTarget: true)!.FullName);
                if (!force && (existing.ReadOnly || !Posix.CanWrite(real)))
                    throw new ReadOnlyOutputException(path, existing.Mode);
                return new OutputTarget(path, real, existing);
            case FileKind.CharacterDevice or FileKind.Fifo:
                return new OutputTarget(path, full, existing);
            case FileKind.Directory:
                throw new IOException($"{path}: a folder, not a file; give a file name. Nothing was written.");
            default:
                throw new IOException(
                    $"{path}: a {Describe(existing.Kind)}; outputs go to regular files, character devices (such as /dev/null) and FIFOs only. Nothing was written.");
        }
    }

    /// <summary>Creates and removes a temporary file in <see cref="Folder"/>, where the write will stage its own: a folder
    /// that exists but takes no new file (a read-only filesystem, a folder this user may not write, /proc or /sys) is
    /// refused now, before any work, rather than when the output is written, perhaps after an epoch of training. Asking
    /// the system (access(2)) would not do: root passes it for folders where no file can be made. A character device or
    /// FIFO is written in place and needs no probe.</summary>
    /// <exception cref="IOException">The folder takes no new file; one line naming the output, the folder and why.</exception>
    public void ProbeFolder()
    {
        if (InPlace) return;
        var probe = TempFiles.NameFor(Path, ".probe");
        try
        {
            using (TempFiles.Track(probe))
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) TempFiles.Created(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e switch
            {
                UnauthorizedAccessException => "permission denied",
                FileNotFoundException or DirectoryNotFoundException => "it takes no new files",
                _ => e.Message.Replace($" : '{probe}'", "").Replace(probe, Path).TrimEnd('.'),
            };
            throw new IOException($"{Given}: cannot write in the folder {Folder} ({why}); nothing was written.", e);
        }
    }

    private static string Describe(FileKind kind) => kind switch
    {
        FileKind.BlockDevice => "block device",
        FileKind.Socket => "socket",
        _ => "special file",
    };
}
