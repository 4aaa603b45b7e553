namespace NeuralPipelines.Data.Catalog;

/// <summary>What a dataset name or path turned out to be.</summary>
public enum DatasetKind
{
    /// <summary>A folder holding the four MNIST-style IDX files.</summary>
    IdxImages,
    /// <summary>A CSV table with a header row.</summary>
    Csv,
}

/// <summary>Where a dataset was found.</summary>
public enum DatasetOrigin
{
    /// <summary>Shipped with the project under Data/files.</summary>
    Shipped,
    /// <summary>Under the folder named by <c>$NP_DATA_DIR</c>.</summary>
    DataDirectory,
    /// <summary>In the per-user cache (where downloads go).</summary>
    UserCache,
    /// <summary>In a system-wide folder such as <c>/usr/share/datasets</c> (Debian's dataset packages).</summary>
    System,
    /// <summary>Downloaded just now into the per-user cache.</summary>
    Downloaded,
    /// <summary>A path the user gave.</summary>
    Path,
}

/// <summary>A resolved dataset: its name, what it is, and the folder or file that holds it.</summary>
public sealed record DatasetLocation(string Name, DatasetKind Kind, string Path, DatasetOrigin Origin)
{
    public string Describe() => Kind switch
    {
        DatasetKind.IdxImages => $"{Name}: IDX image dataset in {Path} ({Origin})",
        _ => $"{Name}: CSV table {Path}",
    };
}
