using System.Globalization;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>The text of a row's known label, as the writers print it. Labels are nearly always small class indices, so
/// the texts of 0–255 are made once, not once a row (a string and a number format per row were a visible part of
/// scoring a small model).</summary>
internal static class LabelTexts
{
    private static readonly string[] Small = Enumerable.Range(0, 256).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>An IDX label: its decimal text.</summary>
    public static string Of(int label) => (uint)label < Small.Length ? Small[label] : label.ToString(CultureInfo.InvariantCulture);

    /// <summary>A CSV label cell: its round-trip text (<c>"R"</c>), the same as <see cref="Of(int)"/> for 0 … 255 ("-0" and
    /// fractions go the long way).</summary>
    public static string Of(double label) =>
        label >= 0 && label < Small.Length && label == Math.Floor(label) && !double.IsNegative(label)
            ? Small[(int)label]
            : label.ToString("R", CultureInfo.InvariantCulture);
}
