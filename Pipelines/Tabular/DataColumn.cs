namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>One column of a <see cref="ColumnarDataView"/>: float[] or bool[] values, or uint[] keys 1..k with the values they stand for.</summary>
public sealed record DataColumn(string Name, Array Values, float[]? KeyValues = null);
