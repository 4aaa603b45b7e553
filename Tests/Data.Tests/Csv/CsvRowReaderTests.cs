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
