using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Data.Datasets;

namespace NeuralPipelines.Pipelines.Neural;

/// <summary>Labelled images as an ML.NET <see cref="IDataView"/>: a known-size Single vector of pixels and the class as a
/// key whose values are the class names ("0", "1"...), the two columns <see cref="NeuralNetworkTrainer"/> reads.</summary>
/// <remarks>A key label is what ML.NET's multiclass trainers and its evaluator take, so
/// <c>ml.MulticlassClassification.Evaluate(model.Transform(view))</c> works on this view as it is.</remarks>
public static class ImageDataView
{
    public static IDataView Create(MLContext ml, LabelledImages images, string featureColumnName = "Features", string labelColumnName = "Label")
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(images);
        // The vector size must be part of the schema (ONNX models need a fixed width), and a row class cannot know it at
        // compile time: a schema definition fixes the size, the key's range and the column names at run time.
        var definition = SchemaDefinition.Create(typeof(ImageRow));
        definition[nameof(ImageRow.Features)].ColumnName = featureColumnName;
        definition[nameof(ImageRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, images.ImageLength);
        var label = definition[nameof(ImageRow.Label)];
        label.ColumnName = labelColumnName;
        label.ColumnType = new KeyDataViewType(typeof(uint), images.Classes);
        var names = Enumerable.Range(0, images.Classes).Select(c => c.ToString(CultureInfo.InvariantCulture).AsMemory()).ToArray();
        label.AddAnnotation("KeyValues", new VBuffer<ReadOnlyMemory<char>>(names.Length, names), new VectorDataViewType(TextDataViewType.Instance, names.Length));
        var rows = Enumerable.Range(0, images.Count)
            .Select(i => new ImageRow { Features = images.Image(i).ToArray(), Label = (uint)images.Labels[i] });
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    private sealed class ImageRow
    {
        public float[] Features { get; set; } = [];

        /// <summary>The 0-based class index: loading a key column from a class, ML.NET stores index + 1 (0 being its missing key).</summary>
        public uint Label { get; set; }
    }
}
