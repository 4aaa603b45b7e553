using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Data.Datasets;

namespace NeuralPipelines.Pipelines.Neural;

/// <summary>Labelled images as an ML.NET <see cref="IDataView"/>: a known-size Single vector of pixels and an Int32 label,
/// the two columns <see cref="NeuralNetworkTrainer"/> reads.</summary>
public static class ImageDataView
{
    public static IDataView Create(MLContext ml, LabelledImages images, string featureColumnName = "Features", string labelColumnName = "Label")
    {
        // The vector size must be part of the schema (ONNX models need a fixed width), and a row class cannot know it at
        // compile time: a schema definition fixes the size and the column names at run time.
        var definition = SchemaDefinition.Create(typeof(ImageRow));
        definition[nameof(ImageRow.Features)].ColumnName = featureColumnName;
        definition[nameof(ImageRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, images.ImageLength);
        definition[nameof(ImageRow.Label)].ColumnName = labelColumnName;
        var rows = Enumerable.Range(0, images.Count)
            .Select(i => new ImageRow { Features = images.Image(i).ToArray(), Label = images.Labels[i] });
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    private sealed class ImageRow
    {
        public float[] Features { get; set; } = [];
        public int Label { get; set; }
    }
}
