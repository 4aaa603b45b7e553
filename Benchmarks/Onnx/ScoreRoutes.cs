using NeuralPipelines.Data.Csv;
using NeuralPipelines.Onnx.Batch;

namespace NeuralPipelines.Benchmarks.Onnx;

/// <summary>np score's fast routes of branch score3 all on or all off (their switches back to the old routes), for the
/// in-process A/B of <c>score-race --old-routes-too</c> and <c>score-race --split --old-routes-too</c>.</summary>
public static class ScoreRoutes
{
    public static void Set(bool fast)
    {
        CsvRowReader.CommaMasks = fast;
        CsvCommaParser.ShuffleDigits = fast;
        CsvRows.VectorNarrowing = fast;
    }
}
