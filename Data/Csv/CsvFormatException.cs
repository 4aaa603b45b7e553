namespace NeuralPipelines.Data.Csv;

/// <summary>A CSV file that cannot be read as a numeric table; the message names the file and, where known, the line and column.</summary>
public sealed class CsvFormatException(string message, string source, int? line = null, string? column = null) : FormatException(message)
{
    /// <summary>The file (or other named source) that was being read.</summary>
    public string File { get; } = source;

    /// <summary>The 1-based line of the file that is wrong, when one line is to blame.</summary>
    public int? Line { get; } = line;

    /// <summary>The column that is wrong, as "name (column k)", when one column is to blame.</summary>
    public string? Column { get; } = column;
}
