using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace NeuralPipelines.Data.Csv;

/// <summary>Reads a CSV file one row at a time (the streaming twin of <see cref="CsvReader"/>): the header first, then each
/// row's numbers into a caller's buffer, so a file of any length is read in the memory of one row.</summary>
/// <remarks>The rules and the error messages are <see cref="CsvReader"/>'s (same file, line, column and cell in each
/// message). A row of plain decimals, the common case, is parsed straight from its UTF-8 bytes (no string, no decoding:
/// parsing was most of the cost of scoring a wide CSV); any other row is decoded and read as text, the way the whole-file
/// reader reads it.</remarks>
public sealed class CsvRowReader : IDisposable
{
    private readonly FileStream _file;
    private readonly Utf8LineReader _lines;
    private int _line;

    private CsvRowReader(string path)
    {
        Source = path;
        // No FileStream buffer: the line reader reads 1 MiB at a time into its own.
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        try
        {
            _lines = new Utf8LineReader(_file);
            Header = CsvReader.ReadHeader(_lines, path, ref _line);
        }
        catch { Dispose(); throw; }
    }

    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="CsvFormatException">The file is empty or its header is not valid; names the file and line.</exception>
    public static CsvRowReader Open(string path)
    {
        CsvReader.CheckExists(path);
        return new CsvRowReader(path);
    }

    public string Source { get; }

    public CsvHeader Header { get; }

    public int ColumnCount => Header.ColumnNames.Length;

    /// <summary>The 1-based line of the row read last.</summary>
    public int Line => _line;

    /// <summary>Whether <see cref="BytesRead"/> and <see cref="Length"/> can be asked: a file, not a pipe.</summary>
    public bool KnowsLength => _file.CanSeek;

    /// <summary>Bytes read from the file so far (ahead of the rows handed out by at most the reader's buffer): for progress.</summary>
    /// <exception cref="NotSupportedException">A pipe (see <see cref="KnowsLength"/>).</exception>
    public long BytesRead => _file.Position;

    /// <exception cref="NotSupportedException">A pipe (see <see cref="KnowsLength"/>).</exception>
    public long Length => _file.Length;

    /// <summary>Whether <see cref="Read"/> parses a row with <see cref="CsvCommaParser"/> (commas found 64 bytes at a time)
    /// rather than <see cref="TryParseRow"/> (cell after cell); the switch back to the old route. Same rows, same bits.</summary>
    public static bool CommaMasks { get; set; } = true;

    /// <summary>Reads the next row's cells into <paramref name="cells"/> (<see cref="ColumnCount"/> of them); false at the end.</summary>
    /// <exception cref="CsvFormatException">A ragged row, an empty, non-numeric or non-finite cell; names file, line and column.</exception>
    public bool Read(Span<double> cells)
    {
        if (!ReadRow(out var bytes)) return false;
        Parse(bytes, _line, cells);
        return true;
    }

    /// <summary>Moves to the next row (a line that is not blank) and gives its bytes, unparsed, valid until the next call;
    /// <see cref="Line"/> is then its line. False at the end.</summary>
    /// <remarks>With <see cref="Parse"/>, what <see cref="Read"/> does in two steps, so that a caller can cut rows on one
    /// thread and parse them on several (np score's scoring threads parse the rows they score).</remarks>
    public bool ReadRow(out ReadOnlySpan<byte> bytes)
    {
        while (_lines.TryReadLine(out bytes))
        {
            _line++;
            if (IsRow(bytes)) return true;
        }
        return false;
    }

    // A line is a row unless it is blank: one that starts with a printable ASCII byte is one at once; only a line that does
    // not is decoded to be sure.
    private static bool IsRow(ReadOnlySpan<byte> bytes) =>
        bytes.Length > 0 && bytes[0] > ' ' && bytes[0] < 0x80 || !string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(bytes));

    /// <summary>Parses one row's bytes (from <see cref="ReadRow"/>, read from line <paramref name="line"/>) into
    /// <paramref name="cells"/> (<see cref="ColumnCount"/> of them). Safe to call from several threads at once: it reads
    /// nothing the reader changes.</summary>
    /// <exception cref="CsvFormatException">A ragged row, an empty, non-numeric or non-finite cell; names file, line and column.</exception>
    // Compiled optimised at the first call rather than after tiering: a run of np score is over in a second or so, most of it
    // before tier 1 would arrive, and tier-0 code runs several times slower than optimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Parse(ReadOnlySpan<byte> bytes, int line, Span<double> cells)
    {
        if (cells.Length < ColumnCount) throw new ArgumentException($"The row buffer holds {cells.Length} cells; {Source} has {ColumnCount} columns.");
        // The common row, plain decimals, straight from its bytes; anything else (quotes, exponents, an error to name) as
        // text, the way the whole-file reader sees it.
        if (CommaMasks ? CsvCommaParser.TryParseRow(bytes, cells[..ColumnCount]) : TryParseRow(bytes, cells[..ColumnCount])) return;
        ReadText(Encoding.UTF8.GetString(bytes), line, cells);
    }

    /// <summary>Parses a row of plain decimals (see <see cref="TryParseShort"/>) from its UTF-8 bytes into exactly
    /// <paramref name="cells"/>.Length cells; false when a cell is anything else or the row has another number of cells
    /// (the caller then reads it as text, which names the fault).</summary>
    /// <remarks>A one-digit cell and its comma are read in one step before the general cell parser: in an image CSV most cells
    /// are "0" (the background), and this skips the parser's sign, point and digit-count bookkeeping for them; a longer
    /// unsigned decimal is read eight bytes at a time (<see cref="TryParseCellEight"/>). The plain twin,
    /// every cell through the general parser, is <see cref="TryParseRowCellByCell"/>; both give the same result and bits.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseRow(ReadOnlySpan<byte> bytes, Span<double> cells)
    {
        int at = 0, last = cells.Length - 1;
        for (int c = 0; c < last; c++)
        {
            if (at + 1 < bytes.Length && bytes[at + 1] == (byte)',' && (uint)(bytes[at] - '0') <= 9)
            {
                cells[c] = bytes[at] - '0';
                at += 2;
                continue;
            }
            if (!TryParseCellEight(bytes, ref at, out cells[c]) && (!TryParseCell(bytes, ref at, out cells[c]) || at == bytes.Length)) return false;
            at++; // the comma
        }
        return last >= 0 && TryParseCell(bytes, ref at, out cells[last]) && at == bytes.Length;
    }

    /// <summary>The common longer cell, an unsigned decimal with at most seven digits before and after the point
    /// ("0.003922", "255", "12.5") followed by a comma, read eight bytes at a time; false (and <paramref name="at"/>
    /// unmoved) for anything else, which the general parser then reads. Same digits, same division, same bits.</summary>
    /// <remarks>SWAR (SIMD within a register): one 64-bit load finds where a run of digits ends and, with three
    /// multiplications, its value (the method of fast_float's <c>parse_eight_digits_unrolled</c>), instead of a loop of
    /// branches per byte.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryParseCellEight(ReadOnlySpan<byte> bytes, ref int at, out double value)
    {
        value = 0;
        int i = at;
        // Both words (the digits before the point and after it) lie within 16 bytes of the cell's start.
        if (bytes.Length - i < 16) return false;
        ulong word = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i, 8));
        int whole = DigitRun(word);
        if (whole == 8) return false;
        ulong mantissa = DigitsValue(word, whole);
        int fraction = 0;
        i += whole;
        if (bytes[i] == (byte)'.')
        {
            i++;
            ulong after = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i, 8));
            fraction = DigitRun(after);
            if (fraction == 8 || whole + fraction == 0) return false;
            mantissa = mantissa * PowersOfTenExact[fraction] + DigitsValue(after, fraction);
            i += fraction;
        }
        else if (whole == 0) return false;
        if (bytes[i] != (byte)',') return false;
        // At most 14 digits: below 2⁵³ and within the general parser's 15 significant digits, so its fast path takes the
        // cell too and divides the same integer by the same power of ten.
        value = fraction == 0 ? mantissa : mantissa / PowersOfTen[fraction];
        at = i;
        return true;
    }

    // How many of a word's eight bytes, from its first, are ASCII digits (8 when all are). A byte is a digit when its high
    // nibble is 3 both as it is and after adding 6 (which lifts ':' … '?' out); a carry out of a non-digit byte can only
    // change the bytes after it.
    private static int DigitRun(ulong word)
    {
        const ulong High = 0xF0F0F0F0F0F0F0F0, Threes = 0x3030303030303030, Sixes = 0x0606060606060606;
        ulong outside = ((word & High) ^ Threes) | (((word + Sixes) & High) ^ Threes);
        return outside == 0 ? 8 : System.Numerics.BitOperations.TrailingZeroCount(outside) >> 3;
    }

    // The value of the first `count` (0 … 8) bytes of a word, all digits: the digits are moved to the word's top (the bytes
    // below become leading zeros; what followed them, and any borrow out of it, falls off the top), then combined in pairs,
    // fours and eights by three multiplications.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong DigitsValue(ulong word, int count)
    {
        if (count == 0) return 0;
        ulong v = (word - 0x3030303030303030) << (8 * (8 - count));
        v = v * 10 + (v >> 8);
        v = (((v & 0x000000FF000000FF) * (100 + (1000000UL << 32))) + (((v >> 16) & 0x000000FF000000FF) * (1 + (10000UL << 32)))) >> 32;
        return (uint)v;
    }

    // 10⁰ … 10⁸: this reader's fractions have up to 7 digits, CsvCommaParser's up to 8.
    internal static readonly ulong[] PowersOfTenExact = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    /// <summary>The plain twin of <see cref="TryParseRow"/>: each cell through the general parser.</summary>
    public static bool TryParseRowCellByCell(ReadOnlySpan<byte> bytes, Span<double> cells)
    {
        int at = 0;
        for (int c = 0; c < cells.Length; c++)
        {
            if (!TryParseCell(bytes, ref at, out cells[c])) return false;
            if (at == bytes.Length) return c == cells.Length - 1;
            at++; // the comma
        }
        return false;
    }

    private void ReadText(string line, int number, Span<double> cells)
    {
        if (line.Contains('"')) { ReadQuoted(line, number, cells); return; }
        var rest = line.AsSpan();
        int c = 0;
        while (true)
        {
            int comma = rest.IndexOf(',');
            var cell = comma < 0 ? rest : rest[..comma];
            if (c >= ColumnCount) throw Ragged(line, number);
            // Whatever the two quick parses do not take goes to the whole-file reader's parser, and its value is kept: it
            // also reads a number padded with a space double.TryParse does not skip (a no-break space), and it names the
            // fault of a cell it refuses (empty, not a number, not finite, beyond float32).
            if (!TryParseShort(cell, out var value)
                && (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value) || Math.Abs(value) > float.MaxValue))
                value = CsvReader.ParseNumber(cell.ToString(), Source, number, c, Header.ColumnNames[c]);
            cells[c++] = value;
            if (comma < 0) break;
            rest = rest[(comma + 1)..];
        }
        if (c != ColumnCount) throw Ragged(line, number);
    }

    /// <summary>Parses a plain decimal ("-12.0345": sign, at most 15 significant digits, at most 22 after the point, no
    /// exponent or spaces) exactly as <see cref="double.Parse(string)"/> would, several times faster; anything else is
    /// left to <see cref="double.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider?, out double)"/>.</summary>
    /// <remarks>Clinger's fast path: the digits form an integer below 2⁵³ and 10^k (k ≤ 22) is exact in a double, so one
    /// IEEE division gives the correctly rounded value, the same bits the general parser finds. Most of a numeric CSV's
    /// cells are such decimals, and parsing them is most of the cost of scoring a wide CSV.</remarks>
    public static bool TryParseShort(ReadOnlySpan<char> text, out double value)
    {
        int at = 0;
        return TryParseCell(text, ref at, out value) && at == text.Length;
    }

    /// <summary>Parses a plain decimal from <paramref name="at"/> up to the next comma or the end (left at it), as
    /// <see cref="TryParseShort"/> does, from chars or from UTF-8 bytes: one implementation of the fast path for both.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static bool TryParseCell<T>(ReadOnlySpan<T> text, ref int at, out double value) where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        int i = at, significant = 0, fraction = 0;
        bool negative = false, point = false, any = false;
        if (i < text.Length && uint.CreateTruncating(text[i]) is '-' or '+') { negative = uint.CreateTruncating(text[i]) == '-'; i++; }
        ulong mantissa = 0;
        for (; i < text.Length; i++)
        {
            uint c = uint.CreateTruncating(text[i]);
            if (c == ',') break;
            if (c == '.')
            {
                if (point) return false;
                point = true;
                continue;
            }
            uint digit = c - '0';
            if (digit > 9) return false;
            any = true;
            if (point) fraction++;
            if (mantissa == 0 && digit == 0) continue;
            if (++significant > 15) return false;
            mantissa = mantissa * 10 + digit;
        }
        if (!any || fraction > 22) return false;
        // An integer (most cells of an image CSV are "0") needs no division; the division is exact-rounded either way.
        value = fraction == 0 ? mantissa : mantissa / PowersOfTen[fraction];
        if (negative) value = -value;
        at = i;
        return true;
    }

    internal static readonly double[] PowersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    /// <summary>Moves past the next row without parsing it (a row another shard scores); false at the end.</summary>
    public bool Skip() => ReadRow(out _);

    private void ReadQuoted(string line, int number, Span<double> cells)
    {
        var split = CsvReader.SplitCells(line, Source, number);
        if (split.Count != ColumnCount) throw Ragged(line, number);
        for (int c = 0; c < split.Count; c++) cells[c] = CsvReader.ParseNumber(split[c], Source, number, c, Header.ColumnNames[c]);
    }

    private CsvFormatException Ragged(string line, int number) => new(
        $"{Source}: line {number}: {CsvReader.SplitCells(line, Source, number).Count} cells, but the header (line {Header.Line}) names {ColumnCount} columns.",
        Source, number);

    public void Dispose()
    {
        _lines?.Dispose();
        _file.Dispose();
    }
}
