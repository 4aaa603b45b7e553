namespace NeuralPipelines.Data.Catalog;

/// <summary>What a dataset name or path turned out to be.</summary>
public enum DatasetKind
{
    /// <summary>A folder holding the four MNIST-style IDX files.</summary>
    IdxImages,
    /// <summary>A CSV table with a header row.</summary>
    Csv,
}
