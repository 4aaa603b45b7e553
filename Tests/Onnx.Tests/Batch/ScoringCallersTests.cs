using NeuralPipelines.Data;
using NeuralPipelines.Onnx.Batch;
using NeuralPipelines.Onnx.Scoring;
using static NeuralPipelines.Onnx.Tests.Batch.BatchRuns;

namespace NeuralPipelines.Onnx.Tests.Batch;

/// <summary>A batch run with several threads calling the scorer at once (<see cref="BatchScoringOptions.ScoringThreads"/>):
/// the same bytes as one caller, in input order, whatever order the chunks finish in; errors, failures and bounded memory as
/// with one.</summary>
public class ScoringCallersTests
{
    private static OnnxScorer Mnist(int batchSize) => BatchModels.Mnist(batchSize);

    [Theory]
    // Chunks of one batch (they finish out of order most often), chunks that end inside a batch, and the defaults' shape.
    [InlineData(10, 64, 3)]
    [InlineData(300, 64, 2)]
    [InlineData(4096, 256, 2)]
    [InlineData(97, 32, 5)]
    public void Several_callers_write_the_same_bytes_as_one(int chunkRows, int batchSize, int callers)
    {
        using var scorer = Mnist(batchSize);
        string Scored(int threads)
        {
            using var source = new IdxRows(ShippedData.Mnist, "test", scorer.InputShape, "mlp");
            return Run(scorer, source, new BatchScoringOptions { ChunkRows = chunkRows, ScoringThreads = threads });
        }
        var one = Scored(1);
        Assert.Equal(2001, one.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(one, Scored(callers));
    }

    [Theory]
    [InlineData(256, 1)]
    [InlineData(256, 2)]
    [InlineData(64, 3)]
    public void Automatic_chunks_write_the_same_bytes_as_the_old_fixed_4096_rows(int batchSize, int callers)
    {
        using var scorer = Mnist(batchSize);
        string Scored(BatchScoringOptions options)
        {
            using var source = new IdxRows(ShippedData.Mnist, "test", scorer.InputShape, "mlp");
            return Run(scorer, source, options with { ScoringThreads = callers });
        }
        Assert.Equal(Scored(new BatchScoringOptions { ChunkRows = 4096 }), Scored(new BatchScoringOptions()));
    }

    [Fact]
    public void An_automatic_chunk_is_whole_batches_in_about_two_MiB_of_inputs()
    {
        var automatic = new BatchScoringOptions();
        Assert.Equal(512, automatic.RowsPerChunk(784, 256));        // MNIST at batch 256: 1.6 MB
        Assert.Equal(640, automatic.RowsPerChunk(784, 64));
        Assert.Equal(32, automatic.RowsPerChunk(3 * 64 * 64, 32));  // 64×64 RGB: at least one batch (1.5 MB)
        Assert.Equal(256, automatic.RowsPerChunk(3 * 224 * 224, 256)); // one batch even when it alone is larger
        Assert.Equal(4096, automatic.RowsPerChunk(30, 256));        // a narrow table: the old 4096 rows at most
        Assert.Equal(8192, automatic.RowsPerChunk(30, 8192));
        Assert.Equal(97, new BatchScoringOptions { ChunkRows = 97 }.RowsPerChunk(784, 256));
    }

    [Fact]
    public void A_run_owns_a_chunk_for_each_scoring_thread_beside_the_one_read_and_the_one_written()
    {
        Assert.Equal(4, new BatchScoringOptions().ChunksOwnedOn(64));
        Assert.Equal(4, new BatchScoringOptions { ScoringThreads = 2 }.ChunksOwnedOn(64));
        Assert.Equal(18, new BatchScoringOptions { ScoringThreads = 16 }.ChunksOwnedOn(64));
        Assert.Equal(6, new BatchScoringOptions { ChunksInFlight = 6, ScoringThreads = 2 }.ChunksOwnedOn(64));
        // More threads than processors: no more chunks than the processors can fill.
        Assert.Equal(10, new BatchScoringOptions { ScoringThreads = 1000 }.ChunksOwnedOn(8));
        Assert.Equal(4, new BatchScoringOptions { ScoringThreads = 16 }.ChunksOwnedOn(2));
    }

    [Fact]
    public void The_union_of_three_shards_scored_by_several_callers_is_the_unsharded_output()
    {
        using var scorer = Mnist(16);
        BatchRuns.AssertShardsMakeTheWhole(scorer, () => new IdxRows(ShippedData.Mnist, "test", scorer.InputShape, "mlp"), 2000);
    }

    [Fact]
    public void Items_that_could_not_be_read_are_reported_in_row_order_and_the_first_stops_the_run()
    {
        using var scorer = Mnist(8);
        // Every fifth chunk holds only errors, every third one some beside its rows: the writer meets them in input order.
        BatchScorer Scorer(ErrorPolicy policy) => new(scorer, new BatchScoringOptions { ChunkRows = 20, ScoringThreads = 3, OnError = policy });
        ScoringSummary skipped;
        using (var source = new FaultyRows(new IdxRows(ShippedData.Mnist, "test", scorer.InputShape, "mlp")))
        using (var writer = PredictionWriter.Create(PredictionFormat.Csv, Stream.Null, false, true, 10, null))
            skipped = Scorer(ErrorPolicy.Skip).Run(source, writer);
        Assert.NotEmpty(skipped.Errors);
        Assert.Equal(skipped.Errors.OrderBy(e => e.Row).Select(e => e.Row), skipped.Errors.Select(e => e.Row));

        using var again = new FaultyRows(new IdxRows(ShippedData.Mnist, "test", scorer.InputShape, "mlp"));
        using var stopped = PredictionWriter.Create(PredictionFormat.Csv, Stream.Null, false, true, 10, null);
        var e = Assert.Throws<InvalidDataException>(() => Scorer(ErrorPolicy.Stop).Run(again, stopped));
        Assert.Equal(skipped.Errors[0].Error, e.Message);
    }

    [Fact]
    public async Task A_failure_while_reading_reaches_the_caller_past_several_callers_and_nothing_hangs()
    {
        using var scorer = Mnist(64);
        using var inner = new IdxRows(ShippedData.Mnist, "test", scorer.InputShape, "mlp");
        var source = new FaultyRows(inner) { FailAt = 4 };
        using var writer = PredictionWriter.Create(PredictionFormat.Csv, Stream.Null, false, true, 10, null);
        var run = Task.Run(() => new BatchScorer(scorer, new BatchScoringOptions { ChunkRows = 100, ScoringThreads = 4 }).Run(source, writer));
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))));
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => run);
        Assert.Equal("planted failure in chunk 4", e.Message);
    }

    [Fact]
    public void On_the_CPU_np_score_spends_its_threads_as_callers_of_one_intra_op_thread_each()
    {
        var session = ScoringThreadPlan.Session(new OnnxScorerOptions { PreferCuda = false, BatchSize = 100 });
        Assert.Equal(1, session.IntraOpNumThreads);
        Assert.Equal(100, session.BatchSize);
        using var scorer = new OnnxScorer(BatchModels.MnistOnnx(), session);
        Assert.Equal("CPU", scorer.ExecutionProvider);
        Assert.Equal(2, ScoringThreadPlan.Callers(scorer, 2));
        Assert.Equal(1, ScoringThreadPlan.Callers(scorer, 1));
    }

    // An IDX source whose chunks also carry errors (as an image folder's do): every fifth chunk nothing but errors, every
    // third one an error beside its rows; FailAt throws on that fill.
    private sealed class FaultyRows(IRowSource inner) : IRowSource
    {
        private int _fills;
        private long _errorRow = 1_000_000;
        public int FailAt = -1;
        public string Source => inner.Source;
        public string Kind => inner.Kind;
        public bool HasItems => false;
        public bool HasLabels => inner.HasLabels;
        public double Fraction => inner.Fraction;

        public bool Fill(RowChunk chunk, Shard shard)
        {
            int fill = ++_fills;
            if (fill == FailAt) throw new InvalidDataException($"planted failure in chunk {fill}");
            if (fill % 5 == 0)
            {
                chunk.Errors.Add(new RowError(_errorRow, $"bad-{fill}", $"bad-{fill}: planted unreadable item"));
                _errorRow++;
                return true;
            }
            bool more = inner.Fill(chunk, shard);
            if (fill % 3 == 0) chunk.Errors.Add(new RowError(_errorRow++, $"bad-{fill}", $"bad-{fill}: planted unreadable item"));
            return more;
        }

        public void Dispose() => inner.Dispose();
    }
}
