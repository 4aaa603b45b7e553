namespace NeuralPipelines.Data.Csv;

/// <summary>A CSV file's column names and the 1-based line they were read from (blank lines before it are skipped).</summary>
public sealed record CsvHeader(string[] ColumnNames, int Line);
