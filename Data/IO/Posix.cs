using System.Runtime.InteropServices;

namespace NeuralPipelines.Data.IO;

/// <summary>The few C library calls .NET does not offer: the kind, device and inode of a path (statx), fsync of a folder,
/// a hard link and realpath. Looked up at run time, so a platform without them (macOS has no statx) falls back to what
/// .NET can tell, and nothing fails to load.</summary>
internal static unsafe class Posix
{
    private static readonly nint Libc = Load();
    private static readonly delegate* unmanaged<int, byte*, int, uint, byte*, int> StatxFn = (delegate* unmanaged<int, byte*, int, uint, byte*, int>)Export("statx");
    private static readonly delegate* unmanaged<byte*, int, int> OpenFn = (delegate* unmanaged<byte*, int, int>)Export("open");
    private static readonly delegate* unmanaged<int, int> FsyncFn = (delegate* unmanaged<int, int>)Export("fsync");
    private static readonly delegate* unmanaged<int, int> CloseFn = (delegate* unmanaged<int, int>)Export("close");
    private static readonly delegate* unmanaged<byte*, byte*, int> LinkFn = (delegate* unmanaged<byte*, byte*, int>)Export("link");
    private static readonly delegate* unmanaged<byte*, int, int> AccessFn = (delegate* unmanaged<byte*, int, int>)Export("access");
    private static readonly delegate* unmanaged<byte*, byte*, byte*> RealpathFn = (delegate* unmanaged<byte*, byte*, byte*>)Export("realpath");
    private static readonly delegate* unmanaged<void*, void> FreeFn = (delegate* unmanaged<void*, void>)Export("free");

    private static readonly delegate* unmanaged<int, long, long, uint, int> SyncFileRangeFn = (delegate* unmanaged<int, long, long, uint, int>)Export("sync_file_range");
    private const uint SyncFileRangeWrite = 2;

    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, WOk = 2;
    private const uint StatxBasicStats = 0x7ff;

    public static bool HasStat => StatxFn != null;

    private static nint Load()
    {
        if (OperatingSystem.IsWindows()) return 0;
        foreach (var name in new[] { "libc.so.6", "libc", "/usr/lib/libSystem.dylib" })
            if (NativeLibrary.TryLoad(name, out var handle)) return handle;
        return 0;
    }

    private static nint Export(string name) => Libc != 0 && NativeLibrary.TryGetExport(Libc, name, out var f) ? f : 0;

    private static byte[] Utf8(string path) => System.Text.Encoding.UTF8.GetBytes(path + "\0");

    /// <summary>statx of <paramref name="path"/> (following a final symlink unless <paramref name="noFollow"/>); null when
    /// the path does not exist or statx is unavailable. struct statx has one layout on every Linux architecture.</summary>
    public static FileIdentity? Stat(string path, bool noFollow)
    {
        if (StatxFn == null) return null;
        var buffer = stackalloc byte[256];
        fixed (byte* p = Utf8(path))
            if (StatxFn(AtFdCwd, p, noFollow ? AtSymlinkNoFollow : 0, StatxBasicStats, buffer) != 0) return null;
        ushort mode = *(ushort*)(buffer + 28);
        ulong ino = *(ulong*)(buffer + 32);
        uint devMajor = *(uint*)(buffer + 136), devMinor = *(uint*)(buffer + 140);
        return new FileIdentity(KindOf(mode), mode & 0xfff, ((ulong)devMajor << 32) | devMinor, ino);
    }

    private static FileKind KindOf(int mode) => (mode & 0xf000) switch
    {
        0x8000 => FileKind.Regular,
        0x4000 => FileKind.Directory,
        0xa000 => FileKind.Symlink,
        0x2000 => FileKind.CharacterDevice,
        0x6000 => FileKind.BlockDevice,
        0x1000 => FileKind.Fifo,
        0xc000 => FileKind.Socket,
        _ => FileKind.Other,
    };

    /// <summary>Whether this process may write <paramref name="path"/> (root may write a 444 file; the caller checks the mode too).</summary>
    public static bool CanWrite(string path)
    {
        if (AccessFn == null) return true;
        fixed (byte* p = Utf8(path)) return AccessFn(p, WOk) == 0;
    }

    /// <summary>Asks the kernel to start writing a file's dirty pages to disk now, without waiting for them
    /// (Linux <c>sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE)</c>); false where there is no such call or it failed.</summary>
    public static bool StartWriteback(Microsoft.Win32.SafeHandles.SafeFileHandle file)
    {
        if (SyncFileRangeFn == null || !OperatingSystem.IsLinux()) return false;
        bool added = false;
        try
        {
            file.DangerousAddRef(ref added);
            return SyncFileRangeFn((int)file.DangerousGetHandle(), 0, 0, SyncFileRangeWrite) == 0;
        }
        finally { if (added) file.DangerousRelease(); }
    }

    /// <summary>fsync of a folder, so a rename inside it survives a power cut. Best effort: some file systems refuse it.</summary>
    public static void SyncFolder(string folder)
    {
        if (OpenFn == null || FsyncFn == null || CloseFn == null) return;
        int fd;
        fixed (byte* p = Utf8(folder)) fd = OpenFn(p, 0 /* O_RDONLY */);
        if (fd < 0) return;
        FsyncFn(fd);
        CloseFn(fd);
    }

    /// <summary>A second name for an existing file; false where hard links are not supported.</summary>
    public static bool Link(string existing, string newName)
    {
        if (LinkFn == null) return false;
        fixed (byte* a = Utf8(existing)) fixed (byte* b = Utf8(newName)) return LinkFn(a, b) == 0;
    }

    /// <summary>The path with every symlink resolved, or null when it does not exist (or realpath is unavailable).</summary>
    public static string? RealPath(string path)
    {
        if (RealpathFn == null || FreeFn == null) return null;
        byte* result;
        fixed (byte* p = Utf8(path)) result = RealpathFn(p, null);
        if (result == null) return null;
        try { return Marshal.PtrToStringUTF8((nint)result); }
        finally { FreeFn(result); }
    }
}
