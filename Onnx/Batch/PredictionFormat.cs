namespace NeuralPipelines.Onnx.Batch;

/// <summary>How predictions are written: CSV (one header row, one line per row) or JSON Lines (one object per row).</summary>
public enum PredictionFormat
{
    Csv,
    JsonLines,
}

/// <summary>Picks the format from the output's name.</summary>
public static class PredictionFormats
{
    /// <summary><c>.jsonl</c> / <c>.ndjson</c> are JSON Lines; anything else (<c>.csv</c>, stdout) is CSV.</summary>
    public static PredictionFormat ForPath(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
            ? PredictionFormat.JsonLines
            : PredictionFormat.Csv;
}
