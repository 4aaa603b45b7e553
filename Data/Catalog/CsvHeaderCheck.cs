using System.Globalization;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Data.Catalog;

/// <summary>Checks that a CSV file starts with a header row naming its columns, without reading the rows
/// (the CSV reader does that later); the catalog only needs to know the path is a table it can hand on.</summary>
public static class CsvHeaderCheck
{
    /// <summary>The column names in the header row; an error naming the file when there is no usable header row.</summary>
    public static string[] ReadColumnNames(string path)
    {
        CsvHeader header;
        // The catalog reports every unreadable dataset as InvalidDataException, whatever reader found the problem.
        try { header = CsvReader.ReadHeader(path); }
        catch (CsvFormatException e) { throw new InvalidDataException(e.Message, e); }
        var names = header.ColumnNames;
        if (names.All(n => double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            throw new InvalidDataException($"{path}: line {header.Line} holds only numbers ({Excerpt.Of(string.Join(',', names), 40)}); expected a header row naming the columns.");
        return names;
    }
}
