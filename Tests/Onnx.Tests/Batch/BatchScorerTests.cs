using System.Globalization;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Onnx.Batch;
using NeuralPipelines.Onnx.Scoring;
using static NeuralPipelines.Onnx.Tests.Batch.BatchRuns;

namespace NeuralPipelines.Onnx.Tests.Batch;

public class BatchScorerTests
{
    private static LabelledImages Test => IdxImageFolder.Load(ShippedData.Mnist).Test;


    [Fact]
    public void A_streamed_run_over_the_MNIST_test_split_gives_the_scorers_own_scores_row_by_row()
    {
        using var scorer = BatchModels.Mnist();
        var test = Test;
        var expected = scorer.Score(test.Pixels, test.Count);
        using var source = new IdxRows(ShippedData.Mnist, "test", scorer.InputShape, "mlp");
        // 300-row chunks: the 2,000 rows cross six chunk boundaries, none on a 64-row batch boundary.
        var csv = Run(scorer, source, new BatchScoringOptions { ChunkRows = 300 }).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,label,predicted_class,predicted_label," + string.Join(',', Enumerable.Range(0, 10).Select(k => $"score_{k}")), csv[0]);
        Assert.Equal(test.Count + 1, csv.Length);
        for (int i = 0; i < test.Count; i++)
        {
            var cells = csv[i + 1].Split(',');
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(test.Labels[i].ToString(CultureInfo.InvariantCulture), cells[1]);
            var scores = cells[4..].Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            // Shortest round-trip text: the floats read back bit for bit.
            Assert.Equal(expected.AsSpan(i * 10, 10).ToArray(), scores);
            Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(scores).ToString(CultureInfo.InvariantCulture), cells[2]);
            Assert.Equal(cells[2], cells[3]);
        }
    }

    [Fact]
    public void The_union_of_four_shards_is_the_unsharded_output()
    {
        using var scorer = BatchModels.Mnist();
        string Shard(Shard shard)
        {
            using var source = new IdxRows(ShippedData.Mnist, "test", scorer.InputShape, "mlp");
            return Run(scorer, source, new BatchScoringOptions { ChunkRows = 128, Shard = shard }, PredictionFormat.JsonLines);
        }
        var whole = Shard(NeuralPipelines.Onnx.Batch.Shard.All).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var parts = Enumerable.Range(0, 4).Select(i => Shard(new Shard(i, 4)).Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.All(parts, p => Assert.InRange(p.Length, 500, 500));
        long Row(string line) => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("row").GetInt64();
        Assert.All(parts.Select((p, i) => (p, i)), x => Assert.All(x.p, line => Assert.Equal(x.i, Row(line) % 4)));
        Assert.Equal(whole, parts.SelectMany(p => p).OrderBy(Row).ToArray());
    }

    [Fact]
    public void A_CSV_is_streamed_in_chunks_and_scores_like_the_IDX_file_it_was_written_from()
    {
        using var dir = new TempFolder();
        using var scorer = BatchModels.Mnist();
        var test = Test.Take(700);
        var path = dir.File("mnist.csv");
        using (var w = new StreamWriter(path))
        {
            w.WriteLine("label," + string.Join(',', Enumerable.Range(0, 784).Select(i => $"p{i}")));
            for (int i = 0; i < test.Count; i++)
                w.WriteLine(test.Labels[i] + "," + string.Join(',', test.Image(i).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        using var csv = new CsvRows(path, scorer.InputShape, "mlp");
        using var idx = new IdxRows(ShippedData.Mnist, "test", scorer.InputShape, "mlp");
        var fromCsv = Run(scorer, csv, new BatchScoringOptions { ChunkRows = 97 }).Split('\n');
        var fromIdx = Run(scorer, idx, new BatchScoringOptions { ChunkRows = 97 }).Split('\n');
        // The CSV's label cells are the IDX labels; the scores are the same floats.
        Assert.Equal(fromIdx.Take(701), fromCsv.Take(701));
    }

    [Fact]
    public void A_CSV_of_the_wrong_width_is_refused_naming_it_and_both_widths()
    {
        using var dir = new TempFolder();
        var path = dir.Write("narrow.csv", "a,b,c\n1,2,3\n");
        var e = Assert.Throws<InvalidDataException>(() => new CsvRows(path, [1, 28, 28], "lenet.onnx"));
        Assert.Contains(path, e.Message);
        Assert.Contains("3 feature columns", e.Message);
        Assert.Contains("784", e.Message);
    }

    [Fact]
    public async Task The_reader_runs_at_most_the_runs_chunks_ahead_of_a_slow_writer()
    {
        // An endless input and a writer that has stopped: memory stays at the run's few chunks, because the reader waits
        // for a free chunk instead of reading on.
        using var scorer = BatchModels.Mnist();
        var source = new EndlessRows();
        using var gate = new ManualResetEventSlim();
        using var writer = new GatedWriter(gate);
        var run = Task.Run(() => new BatchScorer(scorer, new BatchScoringOptions { ChunkRows = 50, ChunksInFlight = 4 }).Run(source, writer));
        await Task.Delay(1500);
        Assert.InRange(source.Fills, 1, 5);
        source.Stop = true;
        gate.Set();
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))));
        await run;
    }

    [Fact]
    public async Task A_failure_while_reading_reaches_the_caller_and_nothing_hangs()
    {
        using var scorer = BatchModels.Mnist();
        var source = new EndlessRows { FailAt = 3 };
        using var writer = PredictionWriter.Create(PredictionFormat.Csv, Stream.Null, false, false, 10, null);
        var run = Task.Run(() => new BatchScorer(scorer, new BatchScoringOptions { ChunkRows = 10 }).Run(source, writer));
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))));
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => run);
        Assert.Equal("planted failure in chunk 3", e.Message);
    }

    [Fact]
    public void Progress_counts_every_row_and_ends_at_the_whole_input()
    {
        using var scorer = BatchModels.Mnist();
        using var source = new IdxRows(ShippedData.Mnist, "test", scorer.InputShape, "mlp");
        var reports = new List<ScoringProgress>();
        var progress = new Inline<ScoringProgress>(reports.Add);
        Run(scorer, source, new BatchScoringOptions { ChunkRows = 500, Progress = progress });
        Assert.Equal([500L, 1000, 1500, 2000, 2000], reports.Select(r => r.Rows));
        Assert.Equal(1.0, reports[^1].Fraction);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.Fraction <= p.Second.Fraction));
    }

    private sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private sealed class EndlessRows : IRowSource
    {
        private long _next;
        public volatile bool Stop;
        public int FailAt = -1;
        private int _fills;
        public int Fills => Volatile.Read(ref _fills);
        public string Source => "endless";
        public string Kind => "test";
        public bool HasItems => false;
        public bool HasLabels => false;
        public double Fraction => 0;

        public bool Fill(RowChunk chunk, Shard shard)
        {
            int fill = Interlocked.Increment(ref _fills);
            if (fill == FailAt) throw new InvalidDataException($"planted failure in chunk {fill}");
            while (chunk.Count < chunk.Capacity) chunk.Rows[chunk.Count++] = _next++;
            return !Stop;
        }

        public void Dispose() { }
    }

    private sealed class GatedWriter(ManualResetEventSlim gate) : PredictionWriter(Stream.Null, false, false, 10, null)
    {
        public override void Begin() { }

        protected override void WriteRow(long row, string? item, string? label, int predicted, ReadOnlySpan<float> scores) => gate.Wait();
    }
}
