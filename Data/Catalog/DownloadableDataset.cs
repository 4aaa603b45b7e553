using NeuralPipelines.Data.Download;

namespace NeuralPipelines.Data.Catalog;

/// <summary>A dataset too big to ship: where it is published, the files and their digests, and how to override the URL.</summary>
/// <param name="Name">The catalog name (also the folder name searched for).</param>
/// <param name="DefaultBaseUrl">The standard public location of the files.</param>
/// <param name="UrlVariable">Environment variable that overrides the base URL (mirrors, tests).</param>
/// <param name="Files">The files with the SHA-256 of their content.</param>
public sealed record DownloadableDataset(string Name, string DefaultBaseUrl, string UrlVariable, IReadOnlyList<RemoteFile> Files)
{
    /// <summary>The base URL to use: the one given, else the environment variable, else the standard location.</summary>
    public string BaseUrl(string? given = null)
    {
        if (!string.IsNullOrWhiteSpace(given)) return given;
        var env = Environment.GetEnvironmentVariable(UrlVariable);
        return string.IsNullOrWhiteSpace(env) ? DefaultBaseUrl : env;
    }
}
