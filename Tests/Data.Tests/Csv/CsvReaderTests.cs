using NeuralPipelines.Data;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.Csv;

public class CsvReaderTests
{
    [Fact]
    public void Reads_the_shipped_diabetes_table_by_column_name()
    {
        var table = CsvReader.Read(ShippedData.Tabular("diabetes.csv"));
        Assert.Equal(442, table.RowCount);
        Assert.Equal(11, table.ColumnNames.Count);
        Assert.Equal("target", table.ColumnNames[^1]);
        Assert.Equal(59.0, table.Column("age")[0]);
        Assert.Equal(4.8598, table.Column("s5")[0]);
        Assert.Equal(151, table.Column("target")[0]);
    }

    [Fact]
    public void Quoted_cells_may_hold_commas_and_blank_lines_are_skipped()
    {
        var table = CsvReader.Parse(new StringReader("\"a, first\",b\r\n\r\n1,\"2.5\"\n-3e2,4\n\n"), "t.csv");
        Assert.Equal(["a, first", "b"], table.ColumnNames);
        Assert.Equal([1, -300], table.Column("a, first"));
        Assert.Equal([2.5, 4], table.Column("b"));
    }

    [Fact]
    public void A_ragged_row_names_the_file_and_line()
    {
        using var dir = new TempFolder();
        var path = dir.Write("ragged.csv", "a,b,c\n1,2,3\n4,5\n");
        var e = Assert.Throws<CsvFormatException>(() => CsvReader.Read(path));
        Assert.Contains("ragged.csv: line 3", e.Message);
        Assert.Contains("2 cells", e.Message);
        Assert.Contains("3 columns", e.Message);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void A_non_numeric_cell_names_the_line_column_and_text()
    {
        using var dir = new TempFolder();
        var path = dir.Write("words.csv", "a,b,c\n1,2,3\n4,five,6\n");
        var e = Assert.Throws<CsvFormatException>(() => CsvReader.Read(path));
        Assert.Contains("words.csv: line 3, column 2 'b': 'five' is not a number", e.Message);
        Assert.Equal(3, e.Line);
        Assert.Equal("b (column 2)", e.Column);
    }

    [Theory]
    [InlineData("1,,3", "the cell is empty")]
    [InlineData("1,NaN,3", "'NaN' is not a finite number")]
    [InlineData("1,1e999,3", "is not a finite number")]
    [InlineData("1,\"2,3", "does not close on this line")]
    [InlineData("1,\"2\n\",3", "a quoted cell may not hold a line break")]
    [InlineData("1,1e39,3", "'1e39' is beyond the range of a 32-bit float")]
    [InlineData("1,2,-4e38", "column 3 'c': '-4e38' is beyond the range of a 32-bit float")]
    public void Empty_non_finite_and_unclosed_cells_are_refused(string row, string expected)
    {
        var e = Assert.Throws<CsvFormatException>(() => CsvReader.Parse(new StringReader("a,b,c\n" + row + "\n"), "x.csv"));
        Assert.Contains("x.csv: line 2", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void An_empty_file_says_so()
    {
        using var dir = new TempFolder();
        var path = dir.Write("empty.csv", "");
        var e = Assert.Throws<CsvFormatException>(() => CsvReader.Read(path));
        Assert.Contains("empty.csv: the file is empty", e.Message);
    }

    [Fact]
    public void A_missing_column_lists_the_columns_there_are()
    {
        var table = CsvReader.Parse(new StringReader("a,b\n1,2\n"), "t.csv");
        var e = Assert.Throws<CsvFormatException>(() => table.Column("label"));
        Assert.Contains("t.csv: there is no column 'label'", e.Message);
        Assert.Contains("'a', 'b'", e.Message);
    }

    [Fact]
    public void Duplicate_and_empty_header_names_are_refused()
    {
        Assert.Contains("appears twice", Assert.Throws<CsvFormatException>(() => CsvReader.Parse(new StringReader("a,a\n1,2\n"), "d.csv")).Message);
        Assert.Contains("column 2: the header cell is empty", Assert.Throws<CsvFormatException>(() => CsvReader.Parse(new StringReader("a,\n1,2\n"), "d.csv")).Message);
    }

    /// <summary>A binary file given as CSV has "lines" of megabytes; what an error echoes of them stops at 200 characters.</summary>
    [Fact]
    public void An_error_echoes_no_more_than_200_characters_of_a_cell_or_header()
    {
        var cell = new string('z', 100_000);
        var e = Assert.Throws<CsvFormatException>(() => CsvReader.Parse(new StringReader($"a,b\n1,{cell}\n"), "big.csv"));
        Assert.Contains("99,800 more characters", e.Message);
        Assert.True(e.Message.Length < 400, $"{e.Message.Length} characters");
        var header = string.Join(',', Enumerable.Range(0, 20_000).Select(i => $"column{i}"));
        var table = CsvReader.Parse(new StringReader(header + "\n" + string.Join(',', Enumerable.Repeat("1", 20_000)) + "\n"), "wide.csv");
        var missing = Assert.Throws<CsvFormatException>(() => table.Column("target"));
        Assert.Contains("the header has 20000", missing.Message);
        Assert.True(missing.Message.Length < 400, $"{missing.Message.Length} characters");
    }

    /// <summary>A first row of numbers is data, not column names: both readers (whole file and streamed) and the header-only
    /// read refuse it with the same line, instead of taking the first row for names and losing it (audit M4).</summary>
    [Theory]
    [InlineData("1,2,3\n4,5,6\n", 1)]
    [InlineData("\n0.5, -2e3 ,\"7\"\n4,5,6\n", 2)]
    public void A_header_of_numbers_is_refused_by_every_reader(string text, int line)
    {
        using var dir = new TempFolder();
        var path = dir.Write("data.csv", text);
        string expected = $"{path}: line {line}: looks like data, not a header; the CSV needs a header row naming the columns.";
        Assert.Equal(expected, Assert.Throws<CsvFormatException>(() => CsvReader.Read(path)).Message);
        Assert.Equal(expected, Assert.Throws<CsvFormatException>(() => CsvReader.ReadHeader(path)).Message);
        Assert.Equal(expected, Assert.Throws<CsvFormatException>(() => CsvRowReader.Open(path)).Message);
        // One named column is a header; a name that merely starts with a digit is a name.
        Assert.Equal(["1", "b", "3"], CsvReader.Parse(new StringReader("1,b,3\n4,5,6\n"), "ok.csv").ColumnNames);
        Assert.Equal(["1st", "2nd"], CsvReader.Parse(new StringReader("1st,2nd\n4,5\n"), "ok.csv").ColumnNames);
    }

    /// <summary>Audit C8: the names pandas gives an unnamed array's columns (<c>pd.DataFrame(x).to_csv(index=False)</c>: 0, 1,
    /// …, n−1) were refused as "looks like data", so a numpy array of pixels written for np score could not be scored. A row
    /// that counts 0 to n−1 over ten or more columns is such names, not a measurement; shorter counts are still refused.</summary>
    [Fact]
    public void The_column_names_pandas_gives_an_unnamed_array_are_a_header()
    {
        using var dir = new TempFolder();
        var names = Enumerable.Range(0, 12).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var path = dir.Write("pandas.csv", string.Join(',', names) + "\n" + string.Join(',', Enumerable.Repeat("0.5", 12)) + "\n");
        Assert.Equal(names, CsvReader.Read(path).ColumnNames);
        using (var rows = CsvRowReader.Open(path)) Assert.Equal(names, rows.Header.ColumnNames);
        var shortCount = dir.Write("short.csv", "0,1,2\n4,5,6\n");
        Assert.Throws<CsvFormatException>(() => CsvReader.Read(shortCount));
        var notACount = dir.Write("gap.csv", string.Join(',', names.Select(n => n == "7" ? "8" : n)) + "\n" + string.Join(',', Enumerable.Repeat("1", 12)) + "\n");
        Assert.Throws<CsvFormatException>(() => CsvReader.Read(notACount));
    }
}
