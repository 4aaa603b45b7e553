using System.Runtime.CompilerServices;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>Predictions as JSON Lines: one object per row with <c>row</c>, <c>item</c>, <c>label</c>,
/// <c>predicted_class</c>, <c>predicted_label</c> and <c>scores</c>.</summary>
public sealed class JsonLinesPredictionWriter(Stream stream, bool hasItems, bool hasLabels, int outputLength, IReadOnlyList<string>? classLabels)
    : PredictionWriter(stream, hasItems, hasLabels, outputLength, classLabels)
{
    public override void Begin() { }

    // Compiled optimised at the first call rather than after tiering: a run of np score is over in a second or so, most of it
    // before tier 1 would arrive, and tier-0 code runs several times slower than optimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void WriteRow(long row, string? item, string? label, int predicted, ReadOnlySpan<float> scores)
    {
        Write("{\"row\":");
        WriteNumber(row);
        if (HasItems) { Write(",\"item\":"); Write(Json(item)); }
        if (HasLabels) { Write(",\"label\":"); Write(Json(label)); }
        Write(",\"predicted_class\":");
        WriteNumber(predicted);
        if (ClassLabels is not null) { Write(",\"predicted_label\":"); Write(Json(ClassLabels[predicted])); }
        Write(",\"scores\":[");
        for (int k = 0; k < scores.Length; k++)
        {
            if (k > 0) Write(',');
            // JSON has no NaN or infinity; a model that produces them gets null rather than an unreadable line.
            if (float.IsFinite(scores[k])) WriteNumber(scores[k]); else Write("null");
        }
        Write("]}\n");
    }

    private static string Json(string? text) => text is null ? "null" : System.Text.Json.JsonSerializer.Serialize(text);
}
