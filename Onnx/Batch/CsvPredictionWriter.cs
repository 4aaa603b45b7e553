using System.Runtime.CompilerServices;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>Predictions as CSV: <c>row[,item][,label],predicted_class[,predicted_label],score_0,…</c>.</summary>
public sealed class CsvPredictionWriter(Stream stream, bool hasItems, bool hasLabels, int outputLength, IReadOnlyList<string>? classLabels)
    : PredictionWriter(stream, hasItems, hasLabels, outputLength, classLabels)
{
    public override void Begin()
    {
        var names = new List<string> { "row" };
        if (HasItems) names.Add("item");
        if (HasLabels) names.Add("label");
        names.Add("predicted_class");
        if (ClassLabels is not null) names.Add("predicted_label");
        for (int k = 0; k < OutputLength; k++) names.Add($"score_{k}");
        Write(string.Join(',', names));
        Write('\n');
    }

    // Compiled optimised at the first call rather than after tiering: a run of np score is over in a second or so, most of it
    // before tier 1 would arrive, and tier-0 code runs several times slower than optimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void WriteRow(long row, string? item, string? label, int predicted, ReadOnlySpan<float> scores)
    {
        WriteNumber(row);
        if (HasItems) { Write(','); Write(Quote(item)); }
        if (HasLabels) { Write(','); Write(Quote(label)); }
        Write(',');
        WriteNumber(predicted);
        if (ClassLabels is not null) { Write(','); Write(Quote(ClassLabels[predicted])); }
        foreach (var s in scores) { Write(','); WriteNumber(s); }
        Write('\n');
    }

    private static string Quote(string? cell) =>
        cell is null ? "" : cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{cell.Replace("\"", "\"\"")}\"" : cell;
}
