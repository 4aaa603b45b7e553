using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralPipelines.Pipelines.Evaluation;

/// <summary>Reads numeric columns out of a scored <see cref="IDataView"/> as doubles.</summary>
/// <remarks>A regression Score is a float from ML.NET's trainers but a one-slot vector from our ONNX-backed linear
/// models (see <see cref="Linear.LinearModelOnnx"/>); both read the same way here.</remarks>
public static class ScoredColumns
{
    public static double[] Read(IDataView data, string columnName)
    {
        var column = data.Schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentException($"The scored data has no column '{columnName}'; its columns are {string.Join(", ", data.Schema.Select(c => $"'{c.Name}'"))}.");
        var values = new List<double>();
        using var cursor = data.GetRowCursor([column]);
        switch (column.Type)
        {
            case var t when t == NumberDataViewType.Single:
            {
                var get = cursor.GetGetter<float>(column);
                float v = 0;
                while (cursor.MoveNext()) { get(ref v); values.Add(v); }
                break;
            }
            case var t when t == NumberDataViewType.Double:
            {
                var get = cursor.GetGetter<double>(column);
                double v = 0;
                while (cursor.MoveNext()) { get(ref v); values.Add(v); }
                break;
            }
            case VectorDataViewType { Size: 1 } vector when vector.ItemType == NumberDataViewType.Single:
            {
                var get = cursor.GetGetter<VBuffer<float>>(column);
                VBuffer<float> v = default;
                while (cursor.MoveNext()) { get(ref v); values.Add(v.GetItemOrDefault(0)); }
                break;
            }
            default:
                throw new ArgumentException($"Column '{columnName}' is {column.Type}; expected a float, a double or a one-slot float vector.");
        }
        return values.ToArray();
    }
}
