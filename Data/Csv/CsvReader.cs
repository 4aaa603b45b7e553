using System.Globalization;
using System.Text;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Data.Csv;

/// <summary>Reads a CSV file with a header row and numeric cells into a <see cref="CsvTable"/>.</summary>
/// <remarks>Comma-separated, numbers in the invariant culture ("1.5", "2e-3"), optional double quotes around a cell
/// (a quoted cell may hold commas, but not a line break; "" is a quote). Blank lines are skipped. Everything else that is wrong stops the
/// read with a <see cref="CsvFormatException"/> that names the file, the line and the column, so a user can go
/// straight to the cell: a ragged row, an empty or non-numeric cell, NaN or infinity, an empty file.</remarks>
public static class CsvReader
{
    public static CsvTable Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckExists(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path);
    }

    /// <summary>Reads only the header row (the first non-blank line): the column names, checked as <see cref="Read"/> checks them.</summary>
    /// <exception cref="CsvFormatException">No header row: the file is empty, a name is empty, or every cell is a number.</exception>
    public static CsvHeader ReadHeader(string path)
    {
        CheckExists(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var lineNumber = 0;
        return ReadHeader(reader, path, ref lineNumber);
    }

    /// <summary>Throws, naming <paramref name="path"/>, unless it is a file: a folder given where a CSV belongs is said to be
    /// one, not reported as missing.</summary>
    /// <exception cref="FileNotFoundException">No such file, or a folder.</exception>
    public static void CheckExists(string path)
    {
        if (Directory.Exists(path)) throw new FileNotFoundException($"{path}: is a folder, not a CSV file.", path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file.", path);
    }

    /// <summary>Parses CSV text; <paramref name="source"/> names it in error messages.</summary>
    public static CsvTable Parse(TextReader reader, string source)
    {
        var lineNumber = 0;
        var (header, headerLine) = ReadHeader(reader, source, ref lineNumber);

        var columns = header.Select(_ => new List<double>()).ToArray();
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var cells = SplitCells(line, source, lineNumber);
            if (cells.Count != header.Length)
                throw new CsvFormatException(
                    $"{source}: line {lineNumber}: {cells.Count} cells, but the header (line {headerLine}) names {header.Length} columns.",
                    source, lineNumber);
            for (var c = 0; c < cells.Count; c++)
                columns[c].Add(ParseNumber(cells[c], source, lineNumber, c, header[c]));
        }
        return new CsvTable(source, header, columns.Select(c => c.ToArray()).ToArray());
    }

    internal static CsvHeader ReadHeader(TextReader reader, string source, ref int lineNumber)
    {
        string[]? header = null;
        while (header is null)
        {
            var line = reader.ReadLine();
            lineNumber++;
            if (line is null)
                throw new CsvFormatException($"{source}: the file is empty; expected a header row naming the columns.", source);
            if (string.IsNullOrWhiteSpace(line)) continue;
            header = SplitCells(line, source, lineNumber).Select(c => c.Trim()).ToArray();
        }
        for (var c = 0; c < header.Length; c++)
            if (header[c].Length == 0)
                throw new CsvFormatException($"{source}: line {lineNumber}, column {c + 1}: the header cell is empty; every column needs a name.", source, lineNumber, $"column {c + 1}");
        // A file with no header row would lose its first row of data to the column names, without a word, and every row
        // number after it would shift; no table names all its columns with numbers.
        if (header.All(IsNumber) && !CountsFromZero(header))
            throw new CsvFormatException($"{source}: line {lineNumber}: looks like data, not a header; the CSV needs a header row naming the columns.", source, lineNumber);
        return new CsvHeader(header, lineNumber);
    }

    /// <summary>Whether a row of numbers is the names pandas gives an unnamed array's columns (0, 1, …, n−1, as
    /// <c>pd.DataFrame(x).to_csv(index=False)</c> writes them): a numpy array of pixels is written so. Ten columns at least,
    /// because a short row that counts up from 0 could be data; a longer one is no measurement.</summary>
    private static bool CountsFromZero(string[] header) =>
        header.Length >= 10 && header.Select((name, i) => name == i.ToString(CultureInfo.InvariantCulture)).All(same => same);

    private static bool IsNumber(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value);

    internal static double ParseNumber(string cell, string source, int line, int column, string name)
    {
        var text = cell.Trim();
        var where = $"{source}: line {line}, column {column + 1} '{Excerpt.Of(name)}'";
        if (text.Length == 0)
            throw new CsvFormatException($"{where}: the cell is empty; expected a number.", source, line, $"{name} (column {column + 1})");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw new CsvFormatException($"{where}: '{Excerpt.Of(text)}' is not a number.", source, line, $"{name} (column {column + 1})");
        // NaN or infinity would poison every sum downstream; refuse them here where the cell can still be named.
        if (!double.IsFinite(value))
            throw new CsvFormatException($"{where}: '{Excerpt.Of(text)}' is not a finite number.", source, line, $"{name} (column {column + 1})");
        // Every model reads float32: 1e39 is a double but becomes ±∞ on the way in, and the scores with it.
        if (Math.Abs(value) > float.MaxValue)
            throw new CsvFormatException($"{where}: '{Excerpt.Of(text)}' is beyond the range of a 32-bit float (±{float.MaxValue:g3}), which is what the models read.", source, line, $"{name} (column {column + 1})");
        return value;
    }

    /// <summary>Splits one line at commas, honouring double-quoted cells.</summary>
    internal static List<string> SplitCells(string line, string source, int lineNumber)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch != '"') cell.Append(ch);
                else if (i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else quoted = false;
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(ch);
        }
        if (quoted)
            // Rows are read a line at a time (the streaming reader cuts lines before parsing them), so a quote that closes
            // on a later line is refused as well; the message must not claim the quote never closes.
            throw new CsvFormatException($"{source}: line {lineNumber}: a double quote opens a cell that does not close on this line (a quoted cell may not hold a line break).", source, lineNumber);
        cells.Add(cell.ToString());
        return cells;
    }
}
