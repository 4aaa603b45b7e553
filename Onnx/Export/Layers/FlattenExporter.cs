using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>Flatten → Flatten(axis=1): [N, C, H, W] becomes [N, C·H·W], the batch axis kept.</summary>
public sealed class FlattenExporter : LayerExporter<Flatten>
{
    protected override OnnxValue Export(Flatten layer, OnnxValue input, OnnxExportContext context)
    {
        int n = input.Shape.Aggregate(1, (a, b) => a * b);
        return context.Node("Flatten", [n], [input.Name], OnnxGraphBuilder.Attribute("axis", 1L));
    }
}
