namespace NeuralPipelines.Data;

/// <summary>Finds the small datasets the project ships under <c>Data/files/</c>.</summary>
/// <remarks>They are copied beside every binary that references this project; running from a source checkout
/// (e.g. a script using the library from another folder) falls back to the folder in the repository.</remarks>
public static class ShippedData
{
    public static string Folder { get; } = Locate();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Folder, .. parts]);

    public static string Mnist => Path("mnist-10k");

    /// <summary>320 colour photo crops at 64×64 for colorization (train/ and test/ sub-folders, with their attribution).</summary>
    public static string Photos => Path("photos-64-small");

    /// <summary>The short names of the shipped photo folders (each with train/ and test/) and their folders.</summary>
    public static IReadOnlyDictionary<string, string> PhotoFolders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["photos"] = "photos-64-small",
    };

    /// <summary>The path of the shipped photo folder called <paramref name="name"/> (e.g. <c>photos</c>); null for any other name.</summary>
    public static string? PhotoFolderPath(string name) => PhotoFolders.TryGetValue(name, out var folder) ? Path(folder) : null;

    public static string Tabular(string fileName) => Path("tabular", fileName);

    /// <summary>The short names of the tables shipped under <c>tabular/</c> and their files.</summary>
    public static IReadOnlyDictionary<string, string> Tables { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["diabetes"] = "diabetes.csv",
        ["breast-cancer"] = "breast_cancer.csv",
        ["iris"] = "iris.csv",
    };

    /// <summary>The path of the shipped table called <paramref name="name"/> (e.g. <c>diabetes</c>); null for any other name.</summary>
    public static string? TablePath(string name) => Tables.TryGetValue(name, out var file) ? Tabular(file) : null;

    private static string Locate()
    {
        var beside = System.IO.Path.Combine(AppContext.BaseDirectory, "files");
        if (Directory.Exists(beside)) return beside;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "Data", "files");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"The shipped datasets were not found beside {AppContext.BaseDirectory} nor in a Data/files folder above it.");
    }
}
