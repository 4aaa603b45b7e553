using System.Globalization;
using System.Text;
using NeuralPipelines.Data.Csv;

namespace NeuralPipelines.Data.Tests.Csv;

/// <summary><see cref="CsvCommaParser"/> (commas found 64 bytes at a time) against the plain twin, every cell through the
/// general parser: the same rows accepted and refused and the same bits, on seeded rows long and short, clean and hostile.
/// That <see cref="CsvRowReader"/> names a hostile row's fault the same way with the switch on and off is in
/// <c>CsvRowFastPathTests</c>.</summary>
public class CsvCommaParserTests
{
    // Clean cells: one digit, every shape the short path takes (up to 7 digits, a point, up to 8 digits) and the ones next to
    // it that it leaves to the general parser (8 digits before the point, a sign, 16 bytes and more); the
    // hostile ones include two of more than 15 significant digits, which the general parser leaves to the text path.
    private static readonly string[] Clean =
        ["0", "0", "0", "7", "1", "255", "12", "0.003922", "0.99215686", "0.992157", "123.4567", "3.14159", "1234567.1234567",
         "1234567.12345678", ".5", "5.", "0.12345678", "12345678.5", "-0.25", "+4", "-0", "007", "99999999",
         "0000000.0000001", "0.0", "9999999.99999999", "00000000000000001"];
    private static readonly string[] Hostile =
        ["", "x", " 1", "1 ", "1e5", "0.5e3", "\"2\"", "1.2.3", ".", "-", "3.x", "NaN", "\r", "٣", "1234567.1234567.", "12:5",
         "0.0039/2", "1..2", "..", "0.5.", "/", ":", "1-", "0.99215686x", "1.000000000000001", "1234567.123456789"];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Agrees_with_the_plain_twin_on_seeded_rows_of_every_length(bool shuffle)
    {
        using var _ = new Digits(shuffle);
        var rng = new Random(1517);
        int parsed = 0, refused = 0;
        for (int i = 0; i < 60_000; i++)
        {
            // Up to 200 cells, so rows end at every offset of a 64-byte block and cross several; mostly one-digit cells.
            int columns = rng.Next(1, 200);
            int written = rng.Next(8) switch { 0 => columns - 1, 1 => columns + 1, _ => columns };
            var parts = Enumerable.Range(0, Math.Max(written, 0)).Select(_ => rng.Next(3) != 0 ? "0" : Clean[rng.Next(Clean.Length)]).ToArray();
            int hostile = rng.Next(5) == 0 ? rng.Next(1, 3) : 0;
            for (int h = 0; h < hostile && parts.Length > 0; h++) parts[rng.Next(parts.Length)] = Hostile[rng.Next(Hostile.Length)];
            var line = Encoding.UTF8.GetBytes(string.Join(',', parts) + (rng.Next(30) == 0 ? "," : ""));
            if (Check(line, columns)) parsed++;
            else refused++;
        }
        Assert.InRange(parsed, 20_000, 50_000);
        Assert.InRange(refused, 10_000, 40_000);
        Assert.False(CsvCommaParser.TryParseRow("1,2"u8, new double[0]));
        Assert.False(CsvCommaParser.TryParseRow(""u8, new double[1]));
        Assert.False(CsvCommaParser.TryParseRow(","u8, new double[1]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Agrees_with_the_plain_twin_and_double_Parse_on_a_million_seeded_decimals(bool shuffle)
    {
        using var _ = new Digits(shuffle);
        // Random decimals of 1–16 digits with the point anywhere (signs now and then), each placed at a random offset among
        // one-digit cells so it meets every position in a block and the row's last 16 bytes.
        var rng = new Random(15);
        int taken = 0;
        for (int i = 0; i < 1_000_000 / 3; i++)
        {
            int columns = rng.Next(8, 40);
            var parts = Enumerable.Range(0, columns).Select(_ => "0").ToArray();
            var texts = new List<(int Column, string Text)>();
            for (int k = 0; k < 3; k++)
            {
                int digits = rng.Next(1, 17), at = rng.Next(0, digits + 1);
                var chars = new char[digits];
                for (int d = 0; d < digits; d++) chars[d] = (char)('0' + rng.Next(10));
                var text = (rng.Next(10) switch { 0 => "-", 1 => "+", _ => "" }) + new string(chars, 0, at) + (at < digits || rng.Next(2) == 0 ? "." : "") + new string(chars, at, digits - at);
                int column = rng.Next(columns);
                parts[column] = text;
                texts.Add((column, text));
            }
            var line = Encoding.UTF8.GetBytes(string.Join(',', parts));
            var cells = new double[columns];
            bool plain = CsvRowReader.TryParseRowCellByCell(line, new double[columns]);
            Assert.Equal(plain, CsvCommaParser.TryParseRow(line, cells));
            if (!plain) continue;
            Check(line, columns);
            foreach (var (column, text) in texts)
            {
                if (parts[column] != text) continue;
                var expected = double.Parse(text, CultureInfo.InvariantCulture);
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(cells[column]), $"'{text}': {expected:R} but {cells[column]:R}");
                taken++;
            }
        }
        Assert.InRange(taken, 500_000, 1_000_000);
    }

    // Sets how the short path values digits (shuffle or eight bytes at a time) for one test; both give the same bits.
    private sealed class Digits : IDisposable
    {
        private readonly bool _saved = CsvCommaParser.ShuffleDigits;
        public Digits(bool shuffle) => CsvCommaParser.ShuffleDigits = shuffle;
        public void Dispose() => CsvCommaParser.ShuffleDigits = _saved;
    }

    // Both parsers over one row: the same answer, and when it is yes, the same bits in every cell.
    private static bool Check(byte[] line, int columns)
    {
        double[] fast = new double[columns], plain = new double[columns];
        bool a = CsvCommaParser.TryParseRow(line, fast), b = CsvRowReader.TryParseRowCellByCell(line, plain);
        Assert.True(a == b, $"'{Encoding.UTF8.GetString(line)}' ({columns} columns): comma masks {a}, plain {b}");
        if (!a) return false;
        for (int c = 0; c < columns; c++)
            Assert.True(BitConverter.DoubleToInt64Bits(plain[c]) == BitConverter.DoubleToInt64Bits(fast[c]),
                $"'{Encoding.UTF8.GetString(line)}' cell {c}: plain {plain[c]:R}, comma masks {fast[c]:R}");
        return true;
    }
}
