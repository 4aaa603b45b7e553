using NeuralPipelines.Data.Csv;

namespace NeuralPipelines.Data.Catalog;

/// <summary>Checks that a CSV file starts with a header row naming its columns, without reading the rows
/// (the CSV reader does that later); the catalog only needs to know the path is a table it can hand on.</summary>
public static class CsvHeaderCheck
{
    /// <summary>The column names in the header row; an error naming the file when there is no usable header row
    /// (the CSV reader's own checks: empty, an unnamed column, a first row of numbers).</summary>
    public static string[] ReadColumnNames(string path)
    {
        // The catalog reports every unreadable dataset as InvalidDataException, whatever reader found the problem.
        try { return CsvReader.ReadHeader(path).ColumnNames; }
        catch (CsvFormatException e) { throw new InvalidDataException(e.Message, e); }
    }
}
