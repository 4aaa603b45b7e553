namespace NeuralPipelines.Pipelines.Linear;

/// <summary>Least squares without ridge has no unique solution: a column is constant or a linear combination of others.</summary>
public sealed class RankDeficientException(string message, IReadOnlyList<string> constantColumns, IReadOnlyList<string> collinearColumns)
    : InvalidOperationException(message)
{
    public IReadOnlyList<string> ConstantColumns { get; } = constantColumns;

    /// <summary>Columns that are (numerically) linear combinations of earlier columns.</summary>
    public IReadOnlyList<string> CollinearColumns { get; } = collinearColumns;
}
