using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>Softmax → Softmax(axis=-1). Our softmax normalises over all of an example's values; ONNX's runs along one
/// axis, so an example of rank &gt; 1 is flattened first and reshaped back after.</summary>
public sealed class SoftmaxExporter : LayerExporter<Softmax>
{
    protected override OnnxValue Export(Softmax layer, OnnxValue input, OnnxExportContext context)
    {
        var flat = context.Flatten(input);
        var y = context.Node("Softmax", flat.Shape, [flat.Name], OnnxGraphBuilder.Attribute("axis", -1L));
        return input.Rank == 1 ? y : context.Reshape(y, input.Shape);
    }
}
