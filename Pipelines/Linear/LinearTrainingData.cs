using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.MlNet;

namespace NeuralPipelines.Pipelines.Linear;

/// <summary>Reads an ML.NET feature-vector column and a float label column into double arrays for our own solvers.</summary>
internal static class LinearTrainingData
{
    public static (double[][] Rows, double[] Labels, string[] FeatureNames) Read(IDataView data, string featureColumnName, string labelColumnName)
    {
        var features = Find(data.Schema, featureColumnName, "feature");
        var label = Find(data.Schema, labelColumnName, "label");
        if (features.Type is not VectorDataViewType { ItemType: NumberDataViewType, Size: > 0 } vector || vector.ItemType != NumberDataViewType.Single)
            throw new ArgumentException($"The feature column '{featureColumnName}' must be a known-size vector of floats (for example the output of Concatenate); it is {features.Type}.");
        if (label.Type != NumberDataViewType.Single)
            throw new ArgumentException($"The label column '{labelColumnName}' must hold floats; it is {label.Type}.");

        var names = Enumerable.Range(0, vector.Size).Select(i => $"f{i}").ToArray();
        if (features.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> slotNames = default;
            features.GetSlotNames(ref slotNames);
            var i = 0;
            foreach (var name in slotNames.DenseValues()) { if (name.Length > 0) names[i] = name.ToString(); i++; }
        }

        var rows = new List<double[]>();
        var labels = new List<double>();
        using var cursor = data.GetRowCursor([features, label]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        var getLabel = cursor.GetGetter<float>(label);
        VBuffer<float> buffer = default;
        float y = 0;
        while (cursor.MoveNext())
        {
            getFeatures(ref buffer);
            getLabel(ref y);
            var row = new double[vector.Size];
            var k = 0;
            foreach (var v in buffer.DenseValues()) row[k++] = v;
            // Named by row, column and value, as the neural network's reader does: "a missing value" left the user to search.
            var bad = Array.FindIndex(row, v => !double.IsFinite(v));
            if (bad >= 0)
                throw new ArgumentException($"Row {rows.Count + 1}: the feature column '{featureColumnName}' holds {Text(row[bad])} in slot {bad} ('{names[bad]}'); linear regression needs a finite value in every feature.");
            if (!float.IsFinite(y))
                throw new ArgumentException($"Row {rows.Count + 1}: the label column '{labelColumnName}' holds {Text(y)}; linear regression needs a finite label in every row.");
            rows.Add(row);
            labels.Add(y);
        }
        if (rows.Count == 0) throw new ArgumentException("The training data has no rows.");
        return (rows.ToArray(), labels.ToArray(), names);
    }

    private static string Text(double v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role) =>
        schema.GetColumnOrNull(name)
        ?? throw new ArgumentException($"The {role} column '{name}' is not in the data; its columns are {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");

    /// <summary>The schema our linear transformers produce: the input plus a float Score (checked with a stand-in graph,
    /// since ML.NET's public API cannot build a SchemaShape column directly).</summary>
    public static SchemaShape OutputSchema(SchemaShape input, string featureColumnName, string labelColumnName, string scoreColumnName)
    {
        var features = input.FirstOrDefault(c => c.Name == featureColumnName);
        if (features.Name is null) throw new ArgumentException($"The feature column '{featureColumnName}' is not in the input.");
        var label = input.FirstOrDefault(c => c.Name == labelColumnName);
        if (label.Name is null) throw new ArgumentException($"The label column '{labelColumnName}' is not in the input.");
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
            throw new ArgumentException($"The feature column '{featureColumnName}' must be a known-size vector of floats.");
        if (label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType != NumberDataViewType.Single)
            throw new ArgumentException($"The label column '{labelColumnName}' must be a float.");
        Onnx.Scoring.OnnxRuntimeNative.EnsureLoaded();
        var standIn = LinearModelOnnx.Build(new LinearModel(["x"], [0], 0), featureColumnName, scoreColumnName);
        return OnnxEstimatorSchema.Of(
            context => MlNetOnnxLoads.Run(() => context.Transforms.ApplyOnnxModel([scoreColumnName], [featureColumnName], new MemoryStream(standIn, writable: false))),
            input, featureColumnName, width: 1);
    }
}
