using NeuralPipelines.Data.Csv;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.Csv;

public class CsvRowReaderTests
{
    [Theory]
    [InlineData("diabetes")]
    [InlineData("breast-cancer")]
    [InlineData("iris")]
    public void Streams_each_shipped_table_to_the_same_numbers_as_the_whole_file_reader(string name)
    {
        var path = ShippedData.TablePath(name)!;
        var table = CsvReader.Read(path);
        using var reader = CsvRowReader.Open(path);
        Assert.Equal(table.ColumnNames, reader.Header.ColumnNames);
        var cells = new double[reader.ColumnCount];
        int row = 0;
        while (reader.Read(cells))
        {
            for (int c = 0; c < cells.Length; c++) Assert.Equal(table.Column(table.ColumnNames[c])[row], cells[c]);
            row++;
        }
        Assert.Equal(table.RowCount, row);
        Assert.Equal(reader.Length, reader.BytesRead);
    }

    [Theory]
    [InlineData("a,b\n1,2\n3,x\n")]
    [InlineData("a,b\n1,2\n3\n")]
    [InlineData("a,b\n1,2\n\"3\",NaN\n")]
    [InlineData("a,b\n1,2\n3,\n")]
    public void A_bad_row_gives_the_whole_file_readers_message(string text)
    {
        using var dir = new TempFolder();
        var path = dir.Write("bad.csv", text);
        var whole = Assert.Throws<CsvFormatException>(() => CsvReader.Read(path));
        using var reader = CsvRowReader.Open(path);
        var cells = new double[2];
        Assert.True(reader.Read(cells));
        var streamed = Assert.Throws<CsvFormatException>(() => reader.Read(cells));
        Assert.Equal(whole.Message, streamed.Message);
        Assert.Equal(3, streamed.Line);
    }

    [Theory]
    [InlineData("\u00a00.5")]
    [InlineData("0.5\u00a0")]
    [InlineData("\u20030.5")]
    public void A_cell_padded_with_a_non_ascii_space_is_read_as_the_whole_file_reader_reads_it(string cell)
    {
        // It was read as 0: the whole-file parser, which trims any white space, was asked only for its error.
        using var dir = new TempFolder();
        var path = dir.Write("t.csv", $"a,b\n1,{cell}\n");
        Assert.Equal(0.5, CsvReader.Read(path).Column("b")[0]);
        using var reader = CsvRowReader.Open(path);
        var cells = new double[2];
        Assert.True(reader.Read(cells));
        Assert.Equal(0.5, cells[1]);
    }

    [Fact]
    public void A_cell_beyond_float32_is_refused_with_the_whole_file_readers_message()
    {
        using var dir = new TempFolder();
        var path = dir.Write("t.csv", "a,b\n1,1e39\n");
        var whole = Assert.Throws<CsvFormatException>(() => CsvReader.Read(path));
        using var reader = CsvRowReader.Open(path);
        var streamed = Assert.Throws<CsvFormatException>(() => reader.Read(new double[2]));
        Assert.Equal(whole.Message, streamed.Message);
    }

    [Fact]
    public void Skip_passes_rows_without_parsing_them_and_blank_lines_are_not_rows()
    {
        using var dir = new TempFolder();
        var path = dir.Write("t.csv", "a\n1\n\nnot a number\n3\n");
        using var reader = CsvRowReader.Open(path);
        var cells = new double[1];
        Assert.True(reader.Read(cells));
        Assert.True(reader.Skip());
        Assert.True(reader.Read(cells));
        Assert.Equal(3, cells[0]);
        Assert.Equal(5, reader.Line);
        Assert.False(reader.Read(cells));
    }
}

public class CsvFastParseTests
{
    [Fact]
    public void The_short_decimal_path_gives_double_Parses_bits_on_a_million_seeded_cells()
    {
        var rng = new Random(15);
        int taken = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            // Random decimals of 1–17 digits with the point anywhere, signs, leading zeros: inside and outside the fast path.
            int digits = rng.Next(1, 18), at = rng.Next(0, digits + 1);
            var chars = new char[digits];
            for (int d = 0; d < digits; d++) chars[d] = (char)('0' + rng.Next(10));
            var text = (rng.Next(3) switch { 0 => "-", 1 => "+", _ => "" }) + new string(chars, 0, at) + (at < digits || rng.Next(2) == 0 ? "." : "") + new string(chars, at, digits - at);
            var expected = double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            if (CsvRowReader.TryParseShort(text, out var fast))
            {
                taken++;
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(fast), $"'{text}': {expected:R} but {fast:R}");
            }
        }
        Assert.InRange(taken, 500_000, 1_000_000);
        foreach (var bad in new[] { "", ".", "-", "1e5", " 1", "1.2.3", "NaN", "0x10" })
            Assert.False(CsvRowReader.TryParseShort(bad, out _), bad);
    }
}

/// <summary><see cref="CsvRowReader.TryParseRow"/> (one-digit cells in one step) against its plain twin, every cell
/// through the general parser: same answer and same bits on seeded rows, hostile ones included.</summary>
public class CsvRowFastPathTests
{
    // Clean cells: one digit, integers, decimals of every length the eight-byte reader takes and some it leaves (eight
    // digits on a side, a sign). Hostile ones: what the general parser or the text path must see.
    private static readonly string[] Clean =
        ["0", "0", "0", "7", "255", "12", "0.003922", "123.4567", "3.14159", "1234567.1234567", ".5", "5.", "0.12345678", "12345678.5", "-0.25", "+4", "-0", "007", "99999999", "0000000.0000001"];
    private static readonly string[] Hostile =
        ["", "x", " 1", "1 ", "1e5", "0.5e3", "\"2\"", "1.2.3", ".", "-", "3.x", "NaN", "\r", "٣", "1234567.1234567.", "12:5", "0.0039/2"];

    [Fact]
    public void Fast_and_plain_row_parsers_agree_on_seeded_rows()
    {
        var rng = new Random(1515);
        int parsed = 0;
        for (int i = 0; i < 200_000; i++)
        {
            int columns = rng.Next(1, 12);
            // Mostly the right width, sometimes one cell short or long; mostly clean cells, sometimes a hostile one.
            int written = rng.Next(8) switch { 0 => columns - 1, 1 => columns + 1, _ => columns };
            var parts = Enumerable.Range(0, Math.Max(written, 0)).Select(_ => rng.Next(30) == 0 ? Hostile[rng.Next(Hostile.Length)] : Clean[rng.Next(Clean.Length)]);
            var line = System.Text.Encoding.UTF8.GetBytes(string.Join(',', parts) + (rng.Next(20) == 0 ? "," : ""));
            double[] fast = new double[columns], plain = new double[columns];
            bool a = CsvRowReader.TryParseRow(line, fast), b = CsvRowReader.TryParseRowCellByCell(line, plain);
            Assert.True(a == b, $"'{System.Text.Encoding.UTF8.GetString(line)}' ({columns} columns): fast {a}, plain {b}");
            if (!a) continue;
            parsed++;
            for (int c = 0; c < columns; c++)
                Assert.True(BitConverter.DoubleToInt64Bits(plain[c]) == BitConverter.DoubleToInt64Bits(fast[c]),
                    $"'{System.Text.Encoding.UTF8.GetString(line)}' cell {c}: plain {plain[c]:R}, fast {fast[c]:R}");
        }
        Assert.InRange(parsed, 20_000, 190_000);
        Assert.False(CsvRowReader.TryParseRow("1,2"u8, new double[0]));
        Assert.False(CsvRowReader.TryParseRow(""u8, new double[1]));
    }

    [Fact]
    public void Fast_and_plain_row_parsers_agree_on_wide_rows_of_one_digit_cells()
    {
        // Image-like rows, long runs of one-digit cells broken at every offset by a clean
        // longer cell or a hostile one, of the right width and one cell off either way.
        var rng = new Random(1516);
        int parsed = 0;
        for (int i = 0; i < 20_000; i++)
        {
            int columns = rng.Next(1, 120);
            int written = rng.Next(6) switch { 0 => columns - 1, 1 => columns + 1, _ => columns };
            int breaks = rng.Next(4);
            var parts = Enumerable.Range(0, Math.Max(written, 0)).Select(_ => rng.Next(5) == 0 ? ((char)('1' + rng.Next(9))).ToString() : "0").ToArray();
            for (int b = 0; b < breaks && parts.Length > 0; b++)
                parts[rng.Next(parts.Length)] = rng.Next(3) == 0 ? Hostile[rng.Next(Hostile.Length)] : Clean[rng.Next(Clean.Length)];
            var line = System.Text.Encoding.UTF8.GetBytes(string.Join(',', parts) + (rng.Next(30) == 0 ? "," : ""));
            double[] fast = new double[columns], plain = new double[columns];
            bool a = CsvRowReader.TryParseRow(line, fast), b2 = CsvRowReader.TryParseRowCellByCell(line, plain);
            Assert.True(a == b2, $"'{System.Text.Encoding.UTF8.GetString(line)}' ({columns} columns): fast {a}, plain {b2}");
            if (!a) continue;
            parsed++;
            for (int c = 0; c < columns; c++)
                Assert.True(BitConverter.DoubleToInt64Bits(plain[c]) == BitConverter.DoubleToInt64Bits(fast[c]),
                    $"'{System.Text.Encoding.UTF8.GetString(line)}' cell {c}: plain {plain[c]:R}, fast {fast[c]:R}");
        }
        Assert.InRange(parsed, 5_000, 18_000);
    }

    [Theory]
    [InlineData("a,b,c\n0,0,0\n0,0,x\n", "line 3")]
    [InlineData("a,b,c\n0,0,0\n0,0,\n", "line 3")]
    [InlineData("a,b,c\n0,0,0\n0,0\n", "line 3")]
    [InlineData("a,b,c\n0,0,0\n0,0,0,\n", "line 3")]
    [InlineData("a,b,c\n0,0,0\n0,\"1\",NaN\n", "line 3")]
    [InlineData("a,b,c\n0,0,0\n0.003922,123.4567x,0.5000000000\n", "line 3")]
    [InlineData("a,b,c\n0,0,0\n0.003922,1234567.1234567,0.5e999\n", "line 3")]
    public void A_hostile_row_after_one_digit_cells_gives_the_whole_file_readers_message(string text, string where)
    {
        using var dir = new NeuralPipelines.Tests.TempFolder();
        var path = dir.Write("bad.csv", text);
        var whole = Assert.Throws<CsvFormatException>(() => CsvReader.Read(path));
        // Both row parsers: commas found 64 bytes at a time (the default) and cell after cell (CsvCommaParser's plain twin).
        foreach (bool masks in new[] { true, false })
        {
            bool saved = CsvRowReader.CommaMasks;
            CsvRowReader.CommaMasks = masks;
            try
            {
                using var reader = CsvRowReader.Open(path);
                var cells = new double[3];
                Assert.True(reader.Read(cells));
                Assert.Equal([0.0, 0.0, 0.0], cells);
                var streamed = Assert.Throws<CsvFormatException>(() => reader.Read(cells));
                Assert.Equal(whole.Message, streamed.Message);
                Assert.StartsWith($"{path}: {where}", streamed.Message);
            }
            finally { CsvRowReader.CommaMasks = saved; }
        }
    }
}
