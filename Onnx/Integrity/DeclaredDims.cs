using global::Onnx;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Onnx.Integrity;

/// <summary>Refuses a model whose graph inputs or outputs declare a dimension larger than an <see cref="int"/>.</summary>
/// <remarks>ONNX dims are 64-bit, but ONNX Runtime's .NET API reports them as <see cref="int"/>: 2^32 + 28 reads as 28 and
/// 2^40 as 0, so a scorer would accept a model by a shape it does not have and fail at its first batch, in ONNX Runtime's
/// words and without the file's name. No tensor we could feed or read has such an axis anyway.</remarks>
public static class DeclaredDims
{
    /// <exception cref="InvalidDataException">An input or output declares such a dimension; one line naming <paramref name="source"/>.</exception>
    public static void Check(ModelProto model, string source)
    {
        if (model.Graph is null) return;
        foreach (var (kind, values) in new[] { ("input", model.Graph.Input), ("output", model.Graph.Output) })
            foreach (var value in values)
            {
                if (value.Type?.TensorType?.Shape is not { } shape) continue;
                for (int axis = 0; axis < shape.Dim.Count; axis++)
                {
                    var dim = shape.Dim[axis];
                    if (dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dim.DimValue > int.MaxValue)
                        throw new InvalidDataException(
                            $"{source}: {kind} '{Excerpt.Of(value.Name, 80)}' declares {dim.DimValue:N0} on axis {axis}, more than the {int.MaxValue:N0} a tensor axis can hold here; the file is damaged or not meant to be scored.");
                }
            }
    }
}
