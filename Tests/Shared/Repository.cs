namespace NeuralPipelines.Tests;

/// <summary>The repository the tests were built from: the folder above the test binaries that holds NeuralPipelines.sln.</summary>
public static class Repository
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NeuralPipelines.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No NeuralPipelines.sln above {AppContext.BaseDirectory}.");
    });

    public static string Root => s_root.Value;

    /// <summary>A file under docs/, e.g. <c>Doc("EXPERIMENTS.md")</c>.</summary>
    public static string Doc(params string[] parts) => Path.Combine([Root, "docs", .. parts]);
}
