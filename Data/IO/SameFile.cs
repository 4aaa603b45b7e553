namespace NeuralPipelines.Data.IO;

/// <summary>Whether two paths name the same file: the same device and inode where the system says (hard links, bind
/// mounts, symlinks, "./a" and "a" all agree), else the same path once every symlink is resolved.</summary>
public static class SameFile
{
    public static bool Equal(string a, string b)
    {
        var (x, y) = (FileIdentity.Of(a), FileIdentity.Of(b));
        if (x is not null && y is not null && x.Inode != 0 && y.Inode != 0) return x.SameFileAs(y);
        return string.Equals(Canonical(a), Canonical(b), OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The full path with symlinks resolved; for a path that does not exist yet, its folder's canonical path and its name.</summary>
    public static string Canonical(string path)
    {
        var full = Path.GetFullPath(path);
        if (Posix.RealPath(full) is { } real) return real;
        var folder = Path.GetDirectoryName(full);
        if (folder is null) return full;
        return Path.Combine(Posix.RealPath(folder) ?? folder, Path.GetFileName(full));
    }

    /// <summary>Refuses, before any work starts, an output that is the same file as an input or as another output, naming
    /// both: writing it would destroy the input (or one output would overwrite the other). Null paths, "-" and inputs
    /// that are not files (a dataset name, a folder) are skipped.</summary>
    public static void EnsureOutputsDistinct(IEnumerable<(string Option, string? Path)> inputs, IEnumerable<(string Option, string? Path)> outputs)
    {
        // Keys computed once per path, so a folder of thousands of photos costs thousands of stat calls, not millions.
        var ins = new Dictionary<string, (string Option, string Path)>();
        foreach (var (option, path) in inputs)
            if (path is not null && File.Exists(path)) ins.TryAdd(Key(path), (option, path));
        var outs = new Dictionary<string, (string Option, string Path)>();
        foreach (var (option, path) in outputs)
        {
            if (path is null || path == "-") continue;
            if (File.Exists(path) && ins.TryGetValue(Key(path), out var input))
                throw new ArgumentException($"{option} {path} is the same file as the input {input.Option} {input.Path}; writing it would destroy the input. Nothing was done.");
            var canonical = Canonical(OutputPathOf(path));
            if (outs.TryGetValue(canonical, out var other))
                throw new ArgumentException($"{option} {path} and {other.Option} {other.Path} are the same file; give two different paths. Nothing was done.");
            outs[canonical] = (option, path);
        }
    }

    // Device and inode where the system says, else the canonical path.
    private static string Key(string path) =>
        FileIdentity.Of(path) is { Inode: not 0 } id ? $"{id.Device}:{id.Inode}" : "path:" + Canonical(path);

    // A dangling symlink's output is its target; anything else is itself.
    private static string OutputPathOf(string path)
    {
        var full = Path.GetFullPath(path);
        return new FileInfo(full).LinkTarget is null ? full : File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
    }
}
