namespace NeuralPipelines.Data.Catalog;

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
