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
        var ins = inputs.Where(i => i.Path is not null && File.Exists(i.Path)).ToList();
        var outs = outputs.Where(o => o.Path is not null && o.Path != "-").ToList();
        for (int i = 0; i < outs.Count; i++)
        {
            var (option, path) = outs[i];
            foreach (var input in ins)
                if (File.Exists(path) && Equal(path!, input.Path!))
                    throw new ArgumentException($"{option} {path} is the same file as the input {input.Option} {input.Path}; writing it would destroy the input. Nothing was done.");
            for (int j = 0; j < i; j++)
                if (Canonical(OutputPathOf(path!)) == Canonical(OutputPathOf(outs[j].Path!)))
                    throw new ArgumentException($"{option} {path} and {outs[j].Option} {outs[j].Path} are the same file; give two different paths. Nothing was done.");
        }
    }

    // A dangling symlink's output is its target; anything else is itself.
    private static string OutputPathOf(string path)
    {
        var full = Path.GetFullPath(path);
        return new FileInfo(full).LinkTarget is null ? full : File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
    }
}
