namespace NeuralPipelines.Data;

/// <summary>Finds the small datasets the project ships under <c>Data/files/</c>, by name, only when one is asked for.</summary>
/// <remarks>They are copied beside every binary built in this repository and carried by the np tool; an application
/// that uses the NuGet packages finds them in a source checkout or the per-user cache (<see cref="ShippedDataSearch"/>).
/// Nothing here touches the disk until a member is called, so code that is given explicit paths never depends on them.</remarks>
public static class ShippedData
{
    /// <summary>Where shipped names are looked for in this process.</summary>
    public static ShippedDataSearch Search => ShippedDataSearch.FromEnvironment();

    /// <summary>The first search folder that holds any shipped data; throws, listing the folders, when none does.</summary>
    public static string Folder => Search.Folders.FirstOrDefault(Directory.Exists) ?? throw Search.NotFound("");

    /// <summary>The path of a shipped file or folder (e.g. <c>Path("mnist-10k")</c>); throws, listing where it looked, when no copy exists.</summary>
    public static string Path(params string[] parts) => Search.Find(System.IO.Path.Combine(parts));

    public static string Mnist => Path("mnist-10k");

    /// <summary>320 colour photo crops at 64×64 for colorization (train/ and test/ sub-folders, with their attribution).</summary>
    public static string Photos => Path("photos-64-small");

    /// <summary>The short names of the shipped photo folders (each with train/ and test/) and their folders.</summary>
    public static IReadOnlyDictionary<string, string> PhotoFolders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["photos"] = "photos-64-small",
    };

    /// <summary>The path of the shipped photo folder called <paramref name="name"/> (e.g. <c>photos</c>); null for any
    /// other name; throws, listing where it looked, when the name is known but no copy exists.</summary>
    public static string? PhotoFolderPath(string name) => PhotoFolders.TryGetValue(name, out var folder) ? Path(folder) : null;

    public static string Tabular(string fileName) => Path("tabular", fileName);

    /// <summary>The short names of the tables shipped under <c>tabular/</c> and their files.</summary>
    public static IReadOnlyDictionary<string, string> Tables { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["diabetes"] = "diabetes.csv",
        ["breast-cancer"] = "breast_cancer.csv",
        ["iris"] = "iris.csv",
    };

    /// <summary>The path of the shipped table called <paramref name="name"/> (e.g. <c>diabetes</c>); null for any other
    /// name; throws, listing where it looked, when the name is known but no copy exists.</summary>
    public static string? TablePath(string name) => Tables.TryGetValue(name, out var file) ? Tabular(file) : null;
}
