using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralPipelines.Onnx.Validation;

/// <summary>Reads the columns a validation needs out of an <see cref="IDataView"/>, whatever ML.NET type they have:
/// labels as text (keys by their key values), feature rows as floats, scores as rows of class scores or as one value.</summary>
internal static class TabularColumns
{
    // ML.NET's annotation kinds (its AnnotationUtils.Kinds is internal).
    private const string KeyValues = "KeyValues", SlotNames = "SlotNames", TrainingLabelValues = "TrainingLabelValues";

    /// <summary>Each row's label as text: a key by its key value (or its 0-based index when it has none), a number in
    /// round-trip form, a boolean as True/False, text as it is.</summary>
    public static string[] LabelTexts(IDataView data, string labelColumn, string dataset)
    {
        var column = data.Schema.GetColumnOrNull(labelColumn)
            ?? throw new ArgumentException($"{dataset} has no label column '{labelColumn}' (its columns: {string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
        return column.Type switch
        {
            KeyDataViewType => KeyTexts(data, column),
            TextDataViewType => data.GetColumn<ReadOnlyMemory<char>>(column).Select(v => v.ToString().Trim()).ToArray(),
            BooleanDataViewType => data.GetColumn<bool>(column).Select(v => v ? "True" : "False").ToArray(),
            _ when column.Type is NumberDataViewType => Numbers(data, column).Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray(),
            _ => throw new ArgumentException($"{dataset}: the label column '{labelColumn}' is {column.Type}; a label is a number, text, a boolean or a key."),
        };
    }

    /// <summary>The values of a scalar numeric column as doubles.</summary>
    public static double[] Numbers(IDataView data, DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type == NumberDataViewType.Single) return data.GetColumn<float>(column).Select(v => (double)v).ToArray();
        if (type == NumberDataViewType.Double) return data.GetColumn<double>(column).ToArray();
        if (type == NumberDataViewType.Int32) return data.GetColumn<int>(column).Select(v => (double)v).ToArray();
        if (type == NumberDataViewType.Int64) return data.GetColumn<long>(column).Select(v => (double)v).ToArray();
        if (type == NumberDataViewType.UInt32) return data.GetColumn<uint>(column).Select(v => (double)v).ToArray();
        if (type == NumberDataViewType.Byte) return data.GetColumn<byte>(column).Select(v => (double)v).ToArray();
        if (type is VectorDataViewType { Size: 1 } v1 && v1.ItemType == NumberDataViewType.Single)
            return data.GetColumn<VBuffer<float>>(column).Select(v => (double)v.GetItemOrDefault(0)).ToArray();
        throw new ArgumentException($"Column '{column.Name}' is {type}; expected a number.");
    }

    /// <summary>Rows of floats: the vector column <paramref name="vectorColumn"/> when the data has it with
    /// <paramref name="width"/> slots, else every Single column except the label, in schema order.</summary>
    public static float[] FeatureRows(IDataView data, string vectorColumn, string labelColumn, int width, string dataset, string model)
    {
        if (data.Schema.GetColumnOrNull(vectorColumn) is { Type: VectorDataViewType { Size: var size } t } vector && t.ItemType == NumberDataViewType.Single)
        {
            if (size != width) throw new ArgumentException($"{model} reads {width} values per row but {dataset}'s column '{vectorColumn}' holds {size}.");
            return data.GetColumn<VBuffer<float>>(vector).SelectMany(v => v.DenseValues()).ToArray();
        }
        var scalars = data.Schema.Where(c => !c.IsHidden && c.Name != labelColumn && c.Type == NumberDataViewType.Single).ToArray();
        if (scalars.Length != width)
            throw new ArgumentException($"{model} reads {width} values per row but {dataset} has {scalars.Length} Single feature columns ({string.Join(", ", scalars.Select(c => c.Name))}) and no '{vectorColumn}' vector.");
        var columns = scalars.Select(c => data.GetColumn<float>(c).ToArray()).ToArray();
        int n = columns.Length == 0 ? 0 : columns[0].Length;
        var rows = new float[n * width];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < width; c++) rows[r * width + c] = columns[c][r];
        return rows;
    }

    /// <summary>The class scores per row from a scored view: ML.NET's multiclass Score vector, or [1 − p, p] from a
    /// binary model's Probability.</summary>
    public static float[][] ClassScores(IDataView scored, string model)
    {
        var score = scored.Schema.GetColumnOrNull("Score")
            ?? throw new InvalidDataException($"{model} writes no 'Score' column (it writes {string.Join(", ", scored.Schema.Select(c => c.Name))}).");
        if (score.Type is VectorDataViewType { Size: > 1 } vector && vector.ItemType == NumberDataViewType.Single)
            return scored.GetColumn<VBuffer<float>>(score).Select(v => v.DenseValues().ToArray()).ToArray();
        if (scored.Schema.GetColumnOrNull("Probability") is { } p && p.Type == NumberDataViewType.Single)
            return scored.GetColumn<float>(p).Select(v => new[] { 1 - v, v }).ToArray();
        throw new InvalidDataException($"{model} is not a classifier: its Score is {score.Type} and it has no Probability (evaluate it as a regression).");
    }

    /// <summary>The class names a scored view carries: PredictedLabel's key values, Score's slot names, or the training label
    /// values ML.NET's trainers attach to Score; null when it carries none.</summary>
    public static string[]? ClassNames(DataViewSchema scored)
    {
        if (scored.GetColumnOrNull("PredictedLabel") is { Type: KeyDataViewType } key && AnnotationTexts(key, KeyValues) is { } keyValues)
            return keyValues;
        if (scored.GetColumnOrNull("Score") is { } score)
            return AnnotationTexts(score, SlotNames) ?? AnnotationTexts(score, TrainingLabelValues);
        return null;
    }

    private static string[]? AnnotationTexts(DataViewSchema.Column column, string kind)
    {
        var annotation = column.Annotations.Schema.GetColumnOrNull(kind);
        if (annotation?.Type is not VectorDataViewType { ItemType: var item }) return null;
        string[] Read<T>(Func<T, string> text)
        {
            VBuffer<T> values = default;
            column.Annotations.GetValue(kind, ref values);
            return values.DenseValues().Select(text).ToArray();
        }
        if (item is TextDataViewType) return Read<ReadOnlyMemory<char>>(v => v.ToString());
        if (item == NumberDataViewType.Single) return Read<float>(v => v.ToString("R", CultureInfo.InvariantCulture));
        if (item == NumberDataViewType.Double) return Read<double>(v => v.ToString("R", CultureInfo.InvariantCulture));
        if (item == NumberDataViewType.Int32) return Read<int>(v => v.ToString(CultureInfo.InvariantCulture));
        if (item == NumberDataViewType.Int64) return Read<long>(v => v.ToString(CultureInfo.InvariantCulture));
        if (item is BooleanDataViewType) return Read<bool>(v => v ? "True" : "False");
        return null;
    }

    private static string[] KeyTexts(IDataView data, DataViewSchema.Column column)
    {
        var keys = data.GetColumn<uint>(column).ToArray();
        var names = AnnotationTexts(column, KeyValues);
        return keys.Select(k => k == 0 ? "" : names is not null && k <= names.Length ? names[k - 1] : (k - 1).ToString(CultureInfo.InvariantCulture)).ToArray();
    }
}
