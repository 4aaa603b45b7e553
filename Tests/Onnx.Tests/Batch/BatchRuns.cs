using NeuralPipelines.Onnx.Batch;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Onnx.Tests.Batch;

/// <summary>A batch run written to memory, for the tests that compare runs' outputs byte for byte.</summary>
internal static class BatchRuns
{
    public static string Run(OnnxScorer scorer, IRowSource source, BatchScoringOptions options, PredictionFormat format = PredictionFormat.Csv)
    {
        using var buffer = new MemoryStream();
        using (var writer = PredictionWriter.Create(format, buffer, source.HasItems, source.HasLabels, scorer.OutputLength, scorer.Card?.ClassLabels))
            new BatchScorer(scorer, options).Run(source, writer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Scores <paramref name="open"/>'s input whole and as three shards (chunks of 50 rows, three scoring threads,
    /// JSON lines) and checks that the whole run has its <paramref name="rows"/> rows in input order and that the shards'
    /// rows, put in row order, are the whole run's lines.</summary>
    public static void AssertShardsMakeTheWhole(OnnxScorer scorer, Func<IRowSource> open, int rows)
    {
        string Scored(Shard shard)
        {
            using var source = open();
            return Run(scorer, source, new BatchScoringOptions { ChunkRows = 50, Shard = shard, ScoringThreads = 3 }, PredictionFormat.JsonLines);
        }
        var whole = Scored(Shard.All).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var parts = Enumerable.Range(0, 3).Select(i => Scored(new Shard(i, 3)).Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        long Row(string line) => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("row").GetInt64();
        Assert.Equal(rows, whole.Length);
        Assert.Equal(Enumerable.Range(0, rows).Select(i => (long)i), whole.Select(Row));
        Assert.Equal(whole, parts.SelectMany(p => p).OrderBy(Row).ToArray());
    }
}
