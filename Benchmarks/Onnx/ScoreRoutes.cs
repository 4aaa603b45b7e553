using NeuralPipelines.Data.Csv;
using NeuralPipelines.Onnx.Batch;

namespace NeuralPipelines.Benchmarks.Onnx;

/// <summary>np score's fast routes of branch score3 all on or all off (their switches back to the old routes), for the
/// in-process A/B of <c>score-race --old-routes-too</c> and <c>score-race --split --old-routes-too</c>.</summary>
public static class ScoreRoutes
{
    /// <summary>Whether the fast routes are on (then chunks are sized automatically; off, the old fixed 4096 rows).</summary>
    public static bool Fast { get; private set; } = true;

    /// <summary>A run's options when the race gives none: the default, or the old fixed chunk with the old routes.</summary>
    public static BatchScoringOptions Batching => Fast ? new BatchScoringOptions() : new BatchScoringOptions { ChunkRows = 4096 };

    public static void Set(bool fast)
    {
        Fast = fast;
        CsvRowReader.CommaMasks = fast;
        CsvCommaParser.ShuffleDigits = fast;
        CsvRows.VectorNarrowing = fast;
    }
}
