namespace NeuralPipelines.Onnx.Batch;

/// <summary>What a batch run did: rows written, items skipped (with why), time, and the device that ran the model.</summary>
public sealed record ScoringSummary(long Rows, IReadOnlyList<RowError> Errors, double Seconds, string Device, string? Fallback)
{
    public double RowsPerSecond => Seconds > 0 ? Rows / Seconds : 0;
}
