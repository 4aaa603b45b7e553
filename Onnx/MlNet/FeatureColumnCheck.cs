using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>Checks the user's feature column against the model's input before ML.NET's ONNX transformer sees it, so a
/// missing column or a wrong width is named in one line (the column, what it holds, what the model takes) instead of
/// ML.NET's message about its own staging column.</summary>
/// <remarks>Only <see cref="Fit"/> can see vector sizes (a <see cref="SchemaShape"/> has none); the fitted transformer is
/// ML.NET's own chain, so what <c>Model.Save</c> writes is unchanged.</remarks>
internal sealed class FeatureColumnCheck(IEstimator<ITransformer> inner, string column, int? inputLength) : IEstimator<ITransformer>
{
    public ITransformer Fit(IDataView input)
    {
        var found = input.Schema.GetColumnOrNull(column)
            ?? throw Missing(input.Schema.Select(c => c.Name));
        if (inputLength is int length && !Fits(found.Type, length))
            throw new ArgumentException(
                $"Column '{column}' holds {Describe(found.Type)}; the ONNX model's input '{Metadata.ModelCard.InputName}' takes a vector of {length} Single values.",
                nameof(input));
        return inner.Fit(input);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        if (!inputSchema.Any(c => c.Name == column)) throw Missing(inputSchema.Select(c => c.Name));
        return inner.GetOutputSchema(inputSchema);
    }

    /// <summary>A Single vector of the model's width; one of varying length is left to ML.NET's check of each row.</summary>
    private static bool Fits(DataViewType type, int length) => type switch
    {
        VectorDataViewType v => v.ItemType == NumberDataViewType.Single && (v.Size == length || v.Size == 0),
        _ => type == NumberDataViewType.Single && length == 1,
    };

    private ArgumentException Missing(IEnumerable<string> names) =>
        new($"The data has no feature column '{column}' (its columns: {string.Join(", ", names)}).", "input");

    private static string Describe(DataViewType type) => type switch
    {
        VectorDataViewType { Size: 0 } v => $"vectors of {v.ItemType} of varying length",
        VectorDataViewType v => $"{v.Size} {v.ItemType} values per row",
        _ => $"one {type} value per row",
    };
}
