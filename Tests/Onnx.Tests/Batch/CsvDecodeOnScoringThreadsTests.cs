using System.Globalization;
using System.Text;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Onnx.Batch;
using NeuralPipelines.Onnx.Scoring;
using static NeuralPipelines.Onnx.Tests.Batch.BatchRuns;

namespace NeuralPipelines.Onnx.Tests.Batch;

/// <summary>A batch run parses a CSV's rows on its scoring threads (<see cref="IRowSource.Gather"/> cuts the lines,
/// <see cref="IRowSource.Decode"/> parses each batch where it is scored): the same bytes as the reader parsing every row
/// itself (<see cref="IRowSource.Fill"/>) and as one caller, whatever the chunk and batch sizes and the shard; and a bad row
/// named as the reader would name it, the first in input order however many threads parse.</summary>
public class CsvDecodeOnScoringThreadsTests
{
    // The shipped MNIST test digits as a CSV (label first, then 784 pixels over 255), with blank lines here and there (not
    // rows) and a row written as text the fast parser refuses (a quoted cell); `bad` rows get a cell that is not a number.
    private static string WriteDigits(TempFolder dir, params int[] bad)
    {
        var test = IdxImageFolder.Load(ShippedData.Mnist, "mnist").Test;
        var text = new StringBuilder("label");
        for (int p = 0; p < 784; p++) text.Append(",px").Append(p);
        text.Append('\n');
        for (int i = 0; i < test.Count; i++)
        {
            if (i % 250 == 7) text.Append('\n');
            text.Append(test.Labels[i]);
            var image = test.Image(i);
            for (int p = 0; p < 784; p++)
            {
                text.Append(',');
                if (bad.Contains(i) && p == 400) text.Append("dark");
                else if (i % 333 == 5 && p == 0) text.Append("\"0\"");
                else text.Append((MathF.Round(image[p] * 255f) / 255f).ToString("0.######", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        return dir.Write("digits.csv", text.ToString());
    }

    // CsvRows seen only through Fill: the reader's thread parses every row, as before the parse moved to the scoring threads.
    private sealed class ParsedByTheReader(CsvRows inner) : IRowSource
    {
        public string Source => inner.Source;
        public string Kind => inner.Kind;
        public bool HasItems => inner.HasItems;
        public bool HasLabels => inner.HasLabels;
        public double Fraction => inner.Fraction;
        public bool Fill(RowChunk chunk, Shard shard) => inner.Fill(chunk, shard);
        public void Dispose() => inner.Dispose();
    }

    [Theory]
    [InlineData(10, 64, 3)]
    [InlineData(97, 32, 4)]
    [InlineData(0, 256, 2)]
    public void Rows_parsed_on_the_scoring_threads_give_the_bytes_of_rows_parsed_by_the_reader(int chunkRows, int batchSize, int callers)
    {
        using var dir = new TempFolder();
        string csv = WriteDigits(dir);
        using var scorer = BatchModels.Mnist(batchSize);
        var options = new BatchScoringOptions { ChunkRows = chunkRows };
        string byReader;
        using (var source = new ParsedByTheReader(new CsvRows(csv, scorer.InputShape, "mlp")))
            byReader = Run(scorer, source, options);
        Assert.Equal(2001, byReader.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        foreach (int threads in new[] { 1, callers })
        {
            using var source = new CsvRows(csv, scorer.InputShape, "mlp");
            Assert.Equal(byReader, Run(scorer, source, options with { ScoringThreads = threads }));
        }
    }

    [Fact]
    public void A_chunk_of_long_lines_is_cut_at_its_text_budget_not_at_its_rows()
    {
        // Rows of a mebibyte each (a valid number padded with zeros): a chunk of 512 rows takes 16 of them, the budget,
        // and the next chunk the other 8; every value still parses.
        using var dir = new TempFolder();
        string csv = dir.File("long.csv");
        using (var file = new StreamWriter(csv))
        {
            file.Write("a,b\n");
            string padded = new string('0', 1 << 20) + "1";
            for (int r = 0; r < 24; r++) file.Write($"{padded},{r}\n");
        }
        using var rows = new CsvRows(csv, [2], "model");
        var chunk = new RowChunk(512, 2, 1);
        Assert.True(rows.Gather(chunk, NeuralPipelines.Onnx.Batch.Shard.All));
        Assert.Equal(16, chunk.Count);
        Assert.InRange(chunk.Text.Bytes, CsvRows.TextBytesPerChunk, CsvRows.TextBytesPerChunk + (1 << 20) + 8);
        rows.Decode(chunk, 0, chunk.Count);
        Assert.Equal([1f, 15f], chunk.Input(15).ToArray());
        chunk.Clear();
        Assert.False(rows.Gather(chunk, NeuralPipelines.Onnx.Batch.Shard.All));
        Assert.Equal(8, chunk.Count);
        rows.Decode(chunk, 0, chunk.Count);
        Assert.Equal([1f, 23f], chunk.Input(7).ToArray());
    }

    [Fact]
    public void The_union_of_three_shards_parsed_on_several_threads_is_the_unsharded_output()
    {
        using var dir = new TempFolder();
        string csv = WriteDigits(dir);
        using var scorer = BatchModels.Mnist(16);
        BatchRuns.AssertShardsMakeTheWhole(scorer, () => new CsvRows(csv, scorer.InputShape, "mlp"), 2000);
    }

    [Fact]
    public void The_first_bad_row_in_input_order_is_named_however_many_threads_parse()
    {
        // Bad rows in one chunk of 40 (rows 120–159) but in different batches of eight (130 in 128–135, 138 in 136–143) and
        // one in a later chunk: with four threads parsing the chunk's five batches at once, batch 136 is often parsed
        // first; the run must still name row 130, on its line (the header, the blank line before row 7, then row r on line
        // r + 3), as the reader parsing row after row does.
        using var dir = new TempFolder();
        string csv = WriteDigits(dir, 130, 138, 1500);
        using var scorer = BatchModels.Mnist(8);
        string ByReader()
        {
            using var source = new ParsedByTheReader(new CsvRows(csv, scorer.InputShape, "mlp"));
            return Assert.Throws<CsvFormatException>(() => Run(scorer, source, new BatchScoringOptions { ChunkRows = 40 })).Message;
        }
        string expected = ByReader();
        Assert.StartsWith($"{csv}: line 133, column 402", expected);
        for (int attempt = 0; attempt < 5; attempt++)
        {
            using var source = new CsvRows(csv, scorer.InputShape, "mlp");
            var e = Assert.Throws<CsvFormatException>(() => Run(scorer, source, new BatchScoringOptions { ChunkRows = 40, ScoringThreads = 4 }));
            Assert.Equal(expected, e.Message);
        }
    }
}
