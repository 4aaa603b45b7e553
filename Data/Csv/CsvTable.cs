using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Data.Csv;

/// <summary>A numeric table read from a CSV file: named columns of doubles, all the same length.</summary>
public sealed class CsvTable
{
    private readonly double[][] _columns;
    private readonly Dictionary<string, int> _index;

    public CsvTable(string source, IReadOnlyList<string> columnNames, double[][] columns)
    {
        if (columnNames.Count != columns.Length)
            throw new ArgumentException($"{columnNames.Count} column names but {columns.Length} columns.");
        if (columns.Select(c => c.Length).Distinct().Count() > 1)
            throw new ArgumentException("Columns of a table must all have the same length.");
        Source = source;
        ColumnNames = columnNames;
        _columns = columns;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columnNames.Count; i++)
            if (!_index.TryAdd(columnNames[i], i))
                throw new CsvFormatException($"{source}: line 1: the column name '{Excerpt.Of(columnNames[i])}' appears twice (columns {_index[columnNames[i]] + 1} and {i + 1}).", source, 1, columnNames[i]);
    }

    /// <summary>Where the table came from (a file path), for error messages.</summary>
    public string Source { get; }

    public IReadOnlyList<string> ColumnNames { get; }

    public int RowCount => _columns.Length == 0 ? 0 : _columns[0].Length;

    public bool HasColumn(string name) => _index.ContainsKey(name);

    /// <summary>The column's values; a missing column is an error that lists the columns there are.</summary>
    public double[] Column(string name) => _columns[IndexOf(name)];

    public int IndexOf(string name) =>
        _index.TryGetValue(name, out var i)
            ? i
            : throw new CsvFormatException(
                $"{Source}: there is no column '{Excerpt.Of(name)}'; the header has {ColumnNames.Count}: {Excerpt.Of(string.Join(", ", ColumnNames.Select(c => $"'{c}'")))}.",
                Source, 1, name);
}
