using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>A view with no rows and one column of Single vectors of a known width: what an estimator over a model's input
/// is fitted on when only the fitted transformer is wanted (to save it, or to learn its schema).</summary>
public static class EmptyFeatureView
{
    public static IDataView Create(MLContext ml, string column, int width)
    {
        var definition = SchemaDefinition.Create(typeof(FeatureRow));
        definition[0].ColumnName = column;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ml.Data.LoadFromEnumerable(Array.Empty<FeatureRow>(), definition);
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}
