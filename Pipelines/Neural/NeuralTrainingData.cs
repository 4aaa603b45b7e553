using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Pipelines.Neural;

/// <summary>Reads an image-vector column and a class label column of an <see cref="IDataView"/> into <see cref="LabelledImages"/>.</summary>
public static class NeuralTrainingData
{
    /// <summary>The rows as images, the class names, and the input shape they were read with.</summary>
    public static (LabelledImages Images, string[] ClassLabels) Read(IDataView data, string featureColumn, string labelColumn, int[]? inputShape)
    {
        var features = CheckFeatures(data.Schema, featureColumn);
        var label = data.Schema.GetColumnOrNull(labelColumn)
            ?? throw new ArgumentException($"The label column '{labelColumn}' is not in the data (columns: {string.Join(", ", data.Schema.Select(c => c.Name))}).");
        int length = ((VectorDataViewType)features.Type).Size;
        var shape = ResolveShape(inputShape, length);

        var pixels = new List<float>();
        var labels = new List<int>();
        var readLabel = LabelReader(label);
        using (var cursor = data.GetRowCursor([features, label]))
        {
            var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
            var getLabel = readLabel(cursor);
            var buffer = default(VBuffer<float>);
            long row = 0;
            while (cursor.MoveNext())
            {
                row++;
                getFeatures(ref buffer);
                int slot = 0;
                foreach (float v in buffer.DenseValues())
                {
                    // Caught here, by row and slot: training would only say later that the cost became NaN, and blame the learning rate.
                    if (!float.IsFinite(v))
                        throw new ArgumentException($"Row {row}: the feature column '{featureColumn}' holds {v} in slot {slot}; the neural network trains on finite numbers only.");
                    pixels.Add(v);
                    slot++;
                }
                labels.Add(getLabel(row));
            }
        }
        if (labels.Count == 0) throw new ArgumentException("The training data has no rows.");
        string[] classNames = ClassNames(label, labels.Max() + 1);
        // Our trainer would fit a one-class network without a word, and it answers that class for every input.
        if (labels.Distinct().Count() < 2)
            throw new ArgumentException($"The label column '{labelColumn}' holds one class only ('{classNames[labels[0]]}' in all {labels.Count} rows); a classifier needs rows of at least two.");
        var images = new LabelledImages($"IDataView column '{featureColumn}'", pixels.ToArray(), labels.ToArray(), shape[0], shape[1], shape[2], classNames.Length);
        return (images, classNames);
    }

    /// <summary>Checks that the feature column exists and is a known-size vector of Single; the message names what it is.</summary>
    public static DataViewSchema.Column CheckFeatures(DataViewSchema schema, string featureColumn)
    {
        var column = schema.GetColumnOrNull(featureColumn)
            ?? throw new ArgumentException($"The feature column '{featureColumn}' is not in the data (columns: {string.Join(", ", schema.Select(c => c.Name))}).");
        if (column.Type is not VectorDataViewType { ItemType: var item, Size: > 0 } || item != NumberDataViewType.Single)
            throw new ArgumentException($"The feature column '{featureColumn}' is {column.Type}; the neural network needs a known-size vector of Single (e.g. Vector<Single, 784>).");
        return column;
    }

    /// <summary>The explicit shape, checked against the vector length, or one inferred from it.</summary>
    public static int[] ResolveShape(int[]? shape, int length)
    {
        if (shape is not null)
        {
            int n = shape.Aggregate(1, (a, b) => a * b);
            if (shape.Length != 3 || n != length)
                throw new ArgumentException($"The input shape {Tensor.ShapeText(shape)} does not fit feature vectors of {length} values; give [C, H, W] with C·H·W = {length}.");
            return shape;
        }
        int side = (int)Math.Round(Math.Sqrt(length));
        if (side * side == length) return [1, side, side];
        int side3 = (int)Math.Round(Math.Sqrt(length / 3.0));
        if (length % 3 == 0 && side3 * side3 * 3 == length) return [3, side3, side3];
        return [1, 1, length];
    }

    private static Func<DataViewRowCursor, Func<long, int>> LabelReader(DataViewSchema.Column label)
    {
        string Bad(long row, object value) =>
            $"Row {row}: label column '{label.Name}' holds {value}, which is not a class index (0, 1, 2...).";
        return label.Type switch
        {
            KeyDataViewType => cursor =>
            {
                var get = cursor.GetGetter<uint>(label); uint v = 0;
                return row => { get(ref v); return v == 0 ? throw new ArgumentException($"Row {row}: label column '{label.Name}' is missing (key 0).") : (int)v - 1; };
            },
            var t when t == NumberDataViewType.Single => cursor =>
            {
                var get = cursor.GetGetter<float>(label); float v = 0;
                return row => { get(ref v); return v >= 0 && v == MathF.Floor(v) && v < int.MaxValue ? (int)v : throw new ArgumentException(Bad(row, v)); };
            },
            var t when t == NumberDataViewType.Double => cursor =>
            {
                var get = cursor.GetGetter<double>(label); double v = 0;
                return row => { get(ref v); return v >= 0 && v == Math.Floor(v) && v < int.MaxValue ? (int)v : throw new ArgumentException(Bad(row, v)); };
            },
            var t when t == NumberDataViewType.Int32 => cursor =>
            {
                var get = cursor.GetGetter<int>(label); int v = 0;
                return row => { get(ref v); return v >= 0 ? v : throw new ArgumentException(Bad(row, v)); };
            },
            var t when t == NumberDataViewType.Int64 => cursor =>
            {
                var get = cursor.GetGetter<long>(label); long v = 0;
                return row => { get(ref v); return v is >= 0 and < int.MaxValue ? (int)v : throw new ArgumentException(Bad(row, v)); };
            },
            var t when t == NumberDataViewType.UInt32 => cursor =>
            {
                var get = cursor.GetGetter<uint>(label); uint v = 0;
                return row => { get(ref v); return v < int.MaxValue ? (int)v : throw new ArgumentException(Bad(row, v)); };
            },
            var t when t == NumberDataViewType.Byte => cursor =>
            {
                var get = cursor.GetGetter<byte>(label); byte v = 0;
                return row => { get(ref v); return v; };
            },
            _ => throw new ArgumentException(
                $"The label column '{label.Name}' is {label.Type}; use a key (ml.Transforms.Conversion.MapValueToKey) or an integer class index."),
        };
    }

    /// <summary>The key's value names when the label is a key with them (MapValueToKey keeps them), else "0", "1"...</summary>
    private static string[] ClassNames(DataViewSchema.Column label, int seen)
    {
        if (label.Type is KeyDataViewType key)
        {
            int count = key.Count == 0 ? seen : (int)key.Count;
            if (label.HasKeyValues())
            {
                var names = default(VBuffer<ReadOnlyMemory<char>>);
                label.GetKeyValues(ref names);
                return names.DenseValues().Select(n => n.ToString()).ToArray();
            }
            return Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        return Enumerable.Range(0, seen).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}
