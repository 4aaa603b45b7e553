using System.Globalization;
using System.Text;

namespace NeuralPipelines.Data.Csv;

/// <summary>Reads a CSV file one row at a time (the streaming twin of <see cref="CsvReader"/>): the header first, then each
/// row's numbers into a caller's buffer, so a file of any length is read in the memory of one row.</summary>
/// <remarks>The rules and the error messages are <see cref="CsvReader"/>'s (same file, line, column and cell in each
/// message). A row without quotes, the common case, is split and parsed without allocating; a quoted row goes through the
/// same splitter as the whole-file reader.</remarks>
public sealed class CsvRowReader : IDisposable
{
    private readonly FileStream _file;
    private readonly StreamReader _reader;
    private int _line;

    private CsvRowReader(string path)
    {
        Source = path;
        // A large buffer: one read per 1 MiB instead of one per 4 KiB, on files that are read once from end to end.
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        _reader = new StreamReader(_file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 20);
        try { Header = CsvReader.ReadHeader(_reader, path, ref _line); }
        catch { Dispose(); throw; }
    }

    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="CsvFormatException">The file is empty or its header is not valid; names the file and line.</exception>
    public static CsvRowReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file.", path);
        return new CsvRowReader(path);
    }

    public string Source { get; }

    public CsvHeader Header { get; }

    public int ColumnCount => Header.ColumnNames.Length;

    /// <summary>The 1-based line of the row read last.</summary>
    public int Line => _line;

    /// <summary>Bytes read from the file so far (ahead of the rows handed out by at most the reader's buffer): for progress.</summary>
    public long BytesRead => _file.Position;

    public long Length => _file.Length;

    /// <summary>Reads the next row's cells into <paramref name="cells"/> (<see cref="ColumnCount"/> of them); false at the end.</summary>
    /// <exception cref="CsvFormatException">A ragged row, an empty, non-numeric or non-finite cell; names file, line and column.</exception>
    public bool Read(Span<double> cells)
    {
        if (cells.Length < ColumnCount) throw new ArgumentException($"The row buffer holds {cells.Length} cells; {Source} has {ColumnCount} columns.");
        if (NextLine() is not { } line) return false;
        if (line.Contains('"')) { ReadQuoted(line, cells); return true; }
        var rest = line.AsSpan();
        int c = 0;
        while (true)
        {
            int comma = rest.IndexOf(',');
            var cell = comma < 0 ? rest : rest[..comma];
            if (c >= ColumnCount) throw Ragged(line);
            if (!TryParseShort(cell, out var value)
                && (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value)))
                CsvReader.ParseNumber(cell.ToString(), Source, _line, c, Header.ColumnNames[c]); // throws the whole-file reader's message
            cells[c++] = value;
            if (comma < 0) break;
            rest = rest[(comma + 1)..];
        }
        if (c != ColumnCount) throw Ragged(line);
        return true;
    }

    /// <summary>Parses a plain decimal ("-12.0345": sign, at most 15 significant digits, at most 22 after the point, no
    /// exponent or spaces) exactly as <see cref="double.Parse(string)"/> would, several times faster; anything else is
    /// left to <see cref="double.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider?, out double)"/>.</summary>
    /// <remarks>Clinger's fast path: the digits form an integer below 2⁵³ and 10^k (k ≤ 22) is exact in a double, so one
    /// IEEE division gives the correctly rounded value, the same bits the general parser finds. Most of a numeric CSV's
    /// cells are such decimals, and parsing them is most of the cost of scoring a wide CSV.</remarks>
    public static bool TryParseShort(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        int i = 0, significant = 0, fraction = 0;
        bool negative = false, point = false, any = false;
        if (text.Length > 0 && text[0] is '-' or '+') { negative = text[0] == '-'; i = 1; }
        ulong mantissa = 0;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '.')
            {
                if (point) return false;
                point = true;
                continue;
            }
            uint digit = (uint)(c - '0');
            if (digit > 9) return false;
            any = true;
            if (point) fraction++;
            if (mantissa == 0 && digit == 0) continue;
            if (++significant > 15) return false;
            mantissa = mantissa * 10 + digit;
        }
        if (!any || fraction > 22) return false;
        value = mantissa / PowersOfTen[fraction];
        if (negative) value = -value;
        return true;
    }

    private static readonly double[] PowersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    /// <summary>Moves past the next row without parsing it (a row another shard scores); false at the end.</summary>
    public bool Skip() => NextLine() is not null;

    private string? NextLine()
    {
        while (_reader.ReadLine() is { } line)
        {
            _line++;
            if (!string.IsNullOrWhiteSpace(line)) return line;
        }
        return null;
    }

    private void ReadQuoted(string line, Span<double> cells)
    {
        var split = CsvReader.SplitCells(line, Source, _line);
        if (split.Count != ColumnCount) throw Ragged(line);
        for (int c = 0; c < split.Count; c++) cells[c] = CsvReader.ParseNumber(split[c], Source, _line, c, Header.ColumnNames[c]);
    }

    private CsvFormatException Ragged(string line) => new(
        $"{Source}: line {_line}: {CsvReader.SplitCells(line, Source, _line).Count} cells, but the header (line {Header.Line}) names {ColumnCount} columns.",
        Source, _line);

    public void Dispose()
    {
        _reader.Dispose();
        _file.Dispose();
    }
}
