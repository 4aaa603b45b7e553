using NeuralPipelines.Data.Csv;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.Csv;

/// <summary><see cref="CsvBlocks"/>: a CSV as tables of a few rows each, read one block at a time (audit C3).</summary>
public class CsvBlocksTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(442)]
    [InlineData(10_000)]
    public void The_blocks_hold_the_whole_file_readers_rows_in_order(int rows)
    {
        var path = ShippedData.TablePath("diabetes")!;
        var whole = CsvReader.Read(path);
        var blocks = CsvBlocks.Read(path, rows).ToArray();
        Assert.Equal((whole.RowCount + rows - 1) / rows, blocks.Length);
        Assert.All(blocks, b => Assert.Equal(whole.ColumnNames, b.ColumnNames));
        foreach (var name in whole.ColumnNames)
            Assert.Equal(whole.Column(name), blocks.SelectMany(b => b.Column(name)));
    }

    [Fact]
    public void A_header_only_file_is_one_empty_block()
    {
        using var dir = new TempFolder();
        var block = Assert.Single(CsvBlocks.Read(dir.Write("empty.csv", "a,b\n"), 10));
        Assert.Equal(["a", "b"], block.ColumnNames);
        Assert.Equal(0, block.RowCount);
    }

    /// <summary>The point of blocks: the first is handed out before the rest of the file is read, so a bad row further on
    /// is met only when its block is, with the whole file reader's message.</summary>
    [Fact]
    public void A_block_is_read_only_when_it_is_asked_for()
    {
        using var dir = new TempFolder();
        var path = dir.Write("late.csv", "a,b\n1,2\n3,4\n5,x\n");
        using var blocks = CsvBlocks.Read(path, 2).GetEnumerator();
        Assert.True(blocks.MoveNext());
        Assert.Equal([1.0, 3.0], blocks.Current.Column("a"));
        var e = Assert.Throws<CsvFormatException>(() => blocks.MoveNext());
        Assert.Equal(Assert.Throws<CsvFormatException>(() => CsvReader.Read(path)).Message, e.Message);
    }
}
