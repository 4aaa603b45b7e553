using System.Globalization;
using System.Text;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Onnx.Batch;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Onnx.Tests.Batch;

/// <summary>A CSV read by <see cref="CsvRows"/> the fast way (<see cref="CsvRowReader.CommaMasks"/>,
/// <see cref="CsvRows.VectorNarrowing"/>) and the old way: the same floats in every chunk, the same prediction file byte for
/// byte, and the same error for a hostile cell.</summary>
public class CsvRowsRoutesTests
{
    // One switch setting for the duration of a test (tests in one class run one at a time; other classes only ever see
    // routes that give the same results).
    private sealed class Routes : IDisposable
    {
        private readonly bool _masks = CsvRowReader.CommaMasks, _narrowing = CsvRows.VectorNarrowing, _shuffle = CsvCommaParser.ShuffleDigits;
        public Routes(bool fast)
        {
            CsvRowReader.CommaMasks = fast;
            CsvRows.VectorNarrowing = fast;
            CsvCommaParser.ShuffleDigits = fast;
        }
        public void Dispose()
        {
            CsvRowReader.CommaMasks = _masks;
            CsvRows.VectorNarrowing = _narrowing;
            CsvCommaParser.ShuffleDigits = _shuffle;
        }
    }

    // Image-like rows (mostly "0", some pixel decimals) mixed with cells the narrowing rounds (up to 15 digits), signs,
    // exponents and quoted cells (the text path), and the label column at a seeded place.
    private static string WriteCsv(TempFolder dir, int rows, int features, int labelAt, int seed)
    {
        var rng = new Random(seed);
        var text = new StringBuilder();
        var names = Enumerable.Range(0, features).Select(i => $"p{i}").ToList();
        names.Insert(labelAt, "label");
        text.Append(string.Join(',', names)).Append('\n');
        for (int r = 0; r < rows; r++)
        {
            var cells = new List<string>();
            for (int f = 0; f < features; f++)
                cells.Add(rng.Next(10) switch
                {
                    < 6 => "0",
                    6 => (rng.Next(256) / 255.0).ToString("0.######", CultureInfo.InvariantCulture),
                    7 => (rng.NextDouble() * 10).ToString("0.##############", CultureInfo.InvariantCulture),
                    8 => rng.Next(20) switch { 0 => "-0.5", 1 => "2.5e-1", 2 => "\"0.25\"", 3 => "+1", _ => "1" },
                    _ => rng.Next(10).ToString(CultureInfo.InvariantCulture),
                });
            cells.Insert(labelAt, rng.Next(10).ToString(CultureInfo.InvariantCulture));
            text.Append(string.Join(',', cells)).Append(rng.Next(50) == 0 ? "\r\n" : "\n");
        }
        return dir.Write($"rows-{seed}.csv", text.ToString());
    }

    private static (float[] Inputs, string?[] Labels, long[] Rows) ReadAll(string path, int[] shape, bool fast)
    {
        using var _ = new Routes(fast);
        using var rows = new CsvRows(path, shape, "model");
        int length = shape.Aggregate(1, (a, b) => a * b);
        var inputs = new List<float>();
        var labels = new List<string?>();
        var order = new List<long>();
        var chunk = new RowChunk(37, length, 1);
        bool more = true;
        while (more)
        {
            chunk.Clear();
            more = rows.Fill(chunk, new Shard(0, 1));
            inputs.AddRange(chunk.Inputs.AsSpan(0, chunk.Count * length).ToArray());
            labels.AddRange(chunk.Labels.Take(chunk.Count));
            order.AddRange(chunk.Rows.Take(chunk.Count));
        }
        return (inputs.ToArray(), labels.ToArray(), order.ToArray());
    }

    [Theory]
    [InlineData(784, 0, 1)]
    [InlineData(784, 784, 2)]
    [InlineData(100, 37, 3)]
    [InlineData(7, 3, 4)]
    public void Both_routes_read_the_same_floats_labels_and_rows(int features, int labelAt, int seed)
    {
        using var dir = new TempFolder();
        var path = WriteCsv(dir, 300, features, labelAt, seed);
        // An image shape (the pixel bound is checked) and a flat one (a table: not checked).
        foreach (var shape in new[] { features == 784 ? new[] { 1, 28, 28 } : new[] { 1, 1, features }, new[] { features } })
        {
            var fast = ReadAll(path, shape, fast: true);
            var old = ReadAll(path, shape, fast: false);
            Assert.Equal(300 * features, old.Inputs.Length);
            Assert.Equal(old.Inputs.Length, fast.Inputs.Length);
            for (int i = 0; i < old.Inputs.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(old.Inputs[i]) == BitConverter.SingleToInt32Bits(fast.Inputs[i]),
                    $"value {i} (row {i / features}, feature {i % features}): old {old.Inputs[i]:R}, fast {fast.Inputs[i]:R}");
            Assert.Equal(old.Labels, fast.Labels);
            Assert.Equal(old.Rows, fast.Rows);
        }
    }

    [Fact]
    public void Both_routes_write_the_same_prediction_file_byte_for_byte()
    {
        using var dir = new TempFolder();
        var path = WriteCsv(dir, 700, 784, 0, 5);
        using var scorer = BatchModels.Mnist();
        byte[] Score(bool fast)
        {
            using var _ = new Routes(fast);
            using var rows = new CsvRows(path, scorer.InputShape, "mlp");
            using var buffer = new MemoryStream();
            using (var writer = PredictionWriter.Create(PredictionFormat.Csv, buffer, rows.HasItems, rows.HasLabels, scorer.OutputLength, scorer.Card?.ClassLabels))
                new BatchScorer(scorer, new BatchScoringOptions { ChunkRows = 97, ScoringThreads = 2 }).Run(rows, writer);
            return buffer.ToArray();
        }
        var old = Score(fast: false);
        Assert.True(old.Length > 700 * 20);
        Assert.Equal(old, Score(fast: true));
    }

    [Theory]
    [InlineData("1e7", "beyond")]
    [InlineData("-2000000", "beyond")]
    [InlineData("1e999", "not a finite number")]
    [InlineData("0.5x", "x")]
    public void A_hostile_cell_gives_the_same_error_naming_file_line_and_column_either_way(string cell, string _)
    {
        using var dir = new TempFolder();
        var cells = Enumerable.Repeat("0", 784).ToArray();
        cells[500] = cell;
        var path = dir.Write("bad.csv", "label," + string.Join(',', Enumerable.Range(0, 784).Select(i => $"p{i}")) + "\n"
            + "3," + string.Join(',', Enumerable.Repeat("0", 784)) + "\n" + "4," + string.Join(',', cells) + "\n");
        string Error(bool fast)
        {
            using var routes = new Routes(fast);
            using var rows = new CsvRows(path, [1, 28, 28], "lenet");
            var chunk = new RowChunk(10, 784, 1);
            return Assert.ThrowsAny<Exception>(() => rows.Fill(chunk, new Shard(0, 1))).Message;
        }
        var old = Error(fast: false);
        Assert.Equal(old, Error(fast: true));
        Assert.Contains(path, old);
        Assert.Contains("line 3", old);
    }
}
