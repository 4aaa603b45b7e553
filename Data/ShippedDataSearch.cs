using NeuralPipelines.Data.Catalog;

namespace NeuralPipelines.Data;

/// <summary>The folders searched, in order, for the datasets the project ships (each laid out as the repository's
/// <c>Data/files/</c>): beside the executable, a source checkout above it or above the working directory, then the
/// per-user cache's <c>shipped/</c> folder.</summary>
/// <remarks>Each file or folder is looked up on its own, so a cache that holds only <c>tabular/</c> still serves the
/// tables. Nothing is searched until a shipped name is asked for.</remarks>
public sealed record ShippedDataSearch(IReadOnlyList<string> Folders)
{
    /// <summary>The folder under the per-user cache root (<see cref="DatasetSearchPaths.DefaultCacheRoot"/>) that may hold a copy.</summary>
    public const string CacheSubfolder = "shipped";

    /// <summary>The folders for this process: <c>files/</c> beside it, <c>Data/files/</c> in each folder above it and
    /// above the working directory, and <c>&lt;cache&gt;/shipped</c>.</summary>
    public static ShippedDataSearch FromEnvironment()
    {
        var folders = new List<string> { System.IO.Path.Combine(AppContext.BaseDirectory, "files") };
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "Data", "files");
                if (!folders.Contains(candidate)) folders.Add(candidate);
            }
        folders.Add(System.IO.Path.Combine(DatasetSearchPaths.DefaultCacheRoot(), CacheSubfolder));
        return new ShippedDataSearch(folders);
    }

    /// <summary>The first copy of <paramref name="relative"/> (a file or a folder) in <see cref="Folders"/>; null when there is none.</summary>
    public string? TryFind(string relative)
    {
        foreach (var folder in Folders)
        {
            var path = System.IO.Path.Combine(folder, relative);
            if (File.Exists(path) || Directory.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>The first copy of <paramref name="relative"/>; when there is none, an exception that lists where it looked.</summary>
    public string Find(string relative) => TryFind(relative) ?? throw NotFound(relative);

    /// <summary>Says what was not found, every folder searched, and how to make the name work.</summary>
    public DirectoryNotFoundException NotFound(string relative) => new(
        (relative.Length == 0 ? "The shipped datasets were" : $"The shipped dataset '{relative.Replace('\\', '/')}' was") +
        $" not found; looked in {string.Join(", ", Folders)}. " +
        $"Give the path of your own copy instead, or copy the NeuralPipelines repository's Data/files/ into {Folders[^1]}.");
}
