namespace NeuralPipelines.Data.Catalog;

/// <summary>The folders searched, in order, for a dataset that is not shipped: <c>$NP_DATA_DIR</c>, the per-user cache
/// (also where downloads go), then the system folder where Debian's <c>dataset-*</c> packages install.</summary>
/// <param name="DataDirectory">The user's own data folder (<c>$NP_DATA_DIR</c>), or null when unset.</param>
/// <param name="CacheRoot">Per-user cache for downloads.</param>
/// <param name="SystemRoot">System-wide dataset folder, or null where there is none.</param>
public sealed record DatasetSearchPaths(string? DataDirectory, string CacheRoot, string? SystemRoot)
{
    public const string DataDirectoryVariable = "NP_DATA_DIR";

    /// <summary>The folders for this user on this machine, from the environment.</summary>
    public static DatasetSearchPaths FromEnvironment()
    {
        var dataDir = Environment.GetEnvironmentVariable(DataDirectoryVariable);
        return new DatasetSearchPaths(string.IsNullOrWhiteSpace(dataDir) ? null : dataDir, DefaultCacheRoot(),
            OperatingSystem.IsWindows() ? null : "/usr/share/datasets");
    }

    /// <summary><c>$XDG_CACHE_HOME/neuralpipelines</c>, else <c>~/.cache/neuralpipelines</c>; on Windows under LocalApplicationData.</summary>
    public static string DefaultCacheRoot()
    {
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "neuralpipelines");
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "neuralpipelines");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "neuralpipelines");
    }

    /// <summary>Where a dataset called <paramref name="name"/> could be, in search order.</summary>
    public IEnumerable<(string Folder, DatasetOrigin Origin)> Candidates(string name)
    {
        if (DataDirectory is not null) yield return (Path.Combine(DataDirectory, name), DatasetOrigin.DataDirectory);
        yield return (CacheFolder(name), DatasetOrigin.UserCache);
        if (SystemRoot is not null) yield return (Path.Combine(SystemRoot, name), DatasetOrigin.System);
    }

    /// <summary>The cache folder a download of <paramref name="name"/> goes to.</summary>
    public string CacheFolder(string name) => Path.Combine(CacheRoot, name);
}
