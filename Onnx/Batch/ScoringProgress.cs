namespace NeuralPipelines.Onnx.Batch;

/// <summary>How far a batch run has got, reported after each chunk is written.</summary>
/// <param name="Rows">Rows scored and written so far.</param>
/// <param name="Failed">Items skipped so far (see <see cref="ErrorPolicy.Skip"/>).</param>
/// <param name="Fraction">How much of the input has been consumed, 0 to 1 (rows for a folder or IDX file, bytes for a CSV).</param>
public readonly record struct ScoringProgress(long Rows, long Failed, double Fraction, TimeSpan Elapsed)
{
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? Rows / Elapsed.TotalSeconds : 0;

    /// <summary>The time left at the rate so far; null before anything is known.</summary>
    public TimeSpan? Remaining => Fraction is > 0 and <= 1 ? Elapsed * ((1 - Fraction) / Fraction) : null;
}
