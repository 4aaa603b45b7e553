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
}
