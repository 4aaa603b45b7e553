using System.Globalization;

namespace NeuralPipelines.Data.Catalog;

/// <summary>Checks that a CSV file starts with a header row naming its columns, without reading the table itself
/// (that is the CSV reader's job, in Data/Csv); the catalog only needs to know the path is a table it can hand on.</summary>
public static class CsvHeaderCheck
{
    /// <summary>The column names in the first line; an error naming the file when there is no usable header row.</summary>
    public static string[] ReadColumnNames(string path)
    {
        string? first;
        using (var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true))
        {
            first = reader.ReadLine();
            while (first is not null && first.Trim().Length == 0) first = reader.ReadLine();
        }
        if (first is null) throw new InvalidDataException($"{path}: the file is empty; expected a header row naming the columns.");
        var names = SplitLine(first, path);
        for (int i = 0; i < names.Count; i++)
            if (names[i].Trim().Length == 0)
                throw new InvalidDataException($"{path}: line 1, column {i + 1}: empty column name in the header row.");
        if (names.All(n => double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            throw new InvalidDataException($"{path}: line 1 holds only numbers ({Shorten(first)}); expected a header row naming the columns.");
        return names.Select(n => n.Trim()).ToArray();
    }

    // Commas inside double quotes do not split; a doubled quote inside quotes is a literal quote (RFC 4180).
    private static List<string> SplitLine(string line, string path)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        if (quoted) throw new InvalidDataException($"{path}: line 1: a quoted column name is not closed.");
        fields.Add(current.ToString());
        return fields;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
