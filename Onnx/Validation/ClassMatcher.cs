using System.Globalization;

namespace NeuralPipelines.Onnx.Validation;

/// <summary>Finds which of a model's classes a label names: the same text, the same number ("0" and "0.0"), or for a
/// two-class model a boolean (False → the first class, True → the second).</summary>
internal sealed class ClassMatcher(IReadOnlyList<string> classes)
{
    private readonly double?[] _numbers = classes.Select(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null).ToArray();

    public int IndexOf(string label)
    {
        for (int k = 0; k < classes.Count; k++)
            if (string.Equals(classes[k], label, StringComparison.Ordinal)) return k;
        if (double.TryParse(label, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            for (int k = 0; k < classes.Count; k++)
                if (_numbers[k] == number) return k;
        if (classes.Count == 2 && bool.TryParse(label, out var flag)) return flag ? 1 : 0;
        return -1;
    }

    /// <summary>The class index of every label; a label that names no class stops with the row and the classes.</summary>
    public int[] IndicesOf(IReadOnlyList<string> labels, string dataset)
    {
        var indices = new int[labels.Count];
        for (int r = 0; r < labels.Count; r++)
        {
            indices[r] = IndexOf(labels[r]);
            if (indices[r] < 0)
                throw new InvalidDataException($"{dataset}: row {r + 1}: the label '{labels[r]}' is none of the model's classes ({string.Join(", ", classes)}).");
        }
        return indices;
    }
}
