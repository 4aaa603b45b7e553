using System.Text;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.Csv;

/// <summary>The byte-level line splitter and row parser of the streaming CSV reader against their twins, StreamReader's
/// ReadLine and the whole-file <see cref="CsvReader"/>: every line ending, byte order mark, blank and quoted row, and rows
/// that cross the 1 MiB read buffer or outgrow it.</summary>
public class Utf8LineReaderTests
{
    private static List<string> Lines(byte[] bytes, bool ours)
    {
        var lines = new List<string>();
        using TextReader reader = ours ? new Utf8LineReader(new MemoryStream(bytes)) : new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    [Fact]
    public void Lines_are_ReadLines_for_every_ending_and_byte_order_mark()
    {
        string[] texts = ["", "a", "a\n", "a\r\nb", "a\rb\r", "a\r\r\nb\n\n", "\n\n", "\r", "x,y\r\n1,2\r\n", "é,数\n🙂\n"];
        foreach (var text in texts)
            foreach (var encoding in new Encoding[] { new UTF8Encoding(false), new UTF8Encoding(true), Encoding.Unicode, Encoding.BigEndianUnicode, Encoding.UTF32 })
            {
                var bytes = encoding.GetPreamble().Concat(encoding.GetBytes(text)).ToArray();
                Assert.Equal(Lines(bytes, ours: false), Lines(bytes, ours: true));
            }
    }

    [Fact]
    public void Lines_that_cross_or_outgrow_the_read_buffer_come_out_whole()
    {
        var random = new Random(8);
        var text = new StringBuilder();
        // About 3 MiB: line ends of every kind fall on and around the 1 MiB boundaries; one line is 2.5 MiB alone.
        for (int i = 0; i < 40_000; i++)
            text.Append(new string((char)('a' + i % 26), random.Next(0, 60))).Append(random.Next(3) switch { 0 => "\n", 1 => "\r\n", _ => "\r" });
        text.Append(new string('z', 5 << 19)).Append("\r\nend");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        Assert.Equal(Lines(bytes, ours: false), Lines(bytes, ours: true));
    }

    [Fact]
    public void Rows_of_every_kind_stream_to_the_whole_file_readers_numbers()
    {
        using var dir = new TempFolder();
        var random = new Random(9);
        var text = new StringBuilder("\uFEFFa, b ,c\r\n");
        for (int row = 0; row < 30_000; row++)
        {
            string Cell() => random.Next(8) switch
            {
                0 => $"\"{random.Next(100)}\"", // quoted
                1 => $"{random.NextDouble() * 1e6 - 5e5:E3}", // exponent: the text path
                2 => $" {random.Next(100)} ", // spaces: the text path
                3 => "-0",
                4 => $"{random.Next(1_000_000)}.{random.Next(1000):D3}",
                5 => $".{random.Next(10)}",
                6 => "12345678901234567", // 17 digits: beyond the fast path
                _ => $"+{random.Next(10)}.",
            };
            text.Append($"{Cell()},{Cell()},{Cell()}").Append(row % 7 == 0 ? "\r\n" : "\n");
            if (row % 1000 == 0) text.Append(" \t\n\n");
        }
        var path = dir.Write("rows.csv", text.ToString());
        var table = CsvReader.Read(path);
        using var reader = CsvRowReader.Open(path);
        Assert.Equal(table.ColumnNames, reader.Header.ColumnNames);
        var cells = new double[3];
        int n = 0;
        while (reader.Read(cells))
        {
            for (int c = 0; c < 3; c++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(table.Column(table.ColumnNames[c])[n]), BitConverter.DoubleToInt64Bits(cells[c]));
            n++;
        }
        Assert.Equal(table.RowCount, n);
    }
}
