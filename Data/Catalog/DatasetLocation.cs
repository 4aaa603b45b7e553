namespace NeuralPipelines.Data.Catalog;

/// <summary>A resolved dataset: its name, what it is, and the folder or file that holds it.</summary>
public sealed record DatasetLocation(string Name, DatasetKind Kind, string Path, DatasetOrigin Origin);
