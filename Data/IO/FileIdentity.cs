namespace NeuralPipelines.Data.IO;

/// <summary>A file's kind, permission bits and identity (device and inode): two paths name the same file exactly when
/// their identities are equal, whatever links or bind mounts lie between them.</summary>
public sealed record FileIdentity(FileKind Kind, int Mode, ulong Device, ulong Inode)
{
    /// <summary>No write bit for anyone (chmod 444): refused as an output unless forced, even for root, who could write it.</summary>
    public bool ReadOnly => (Mode & 0b010_010_010) == 0;

    public bool SameFileAs(FileIdentity other) => Device == other.Device && Inode == other.Inode;

    /// <summary>The identity of this process's standard output (a pipe, a file, a terminal), or null where it cannot be told.</summary>
    public static FileIdentity? OfStandardOutput() =>
        OperatingSystem.IsLinux() ? Of("/proc/self/fd/1") : OperatingSystem.IsWindows() ? null : Of("/dev/stdout");

    /// <summary>The identity of an existing path (following symlinks), or null when it does not exist. Where the C library
    /// has no statx (not Linux), the kind comes from .NET and the identity is unknown (device and inode 0).</summary>
    public static FileIdentity? Of(string path)
    {
        if (Posix.HasStat) return Posix.Stat(path, noFollow: false);
        if (Directory.Exists(path)) return new FileIdentity(FileKind.Directory, 0b111_101_101, 0, 0);
        if (!File.Exists(path)) return null;
        int mode = OperatingSystem.IsWindows() ? (File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly) ? 0b100_100_100 : 0b110_100_100)
            : (int)File.GetUnixFileMode(path);
        return new FileIdentity(FileKind.Regular, mode, 0, 0);
    }
}
