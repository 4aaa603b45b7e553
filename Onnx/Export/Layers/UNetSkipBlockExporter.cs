using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>UNetSkipBlock → down, inner (when there is one) and up chained, then Concat(x, up) on the channel axis
/// (axis 1); the outermost block ends at up.</summary>
public sealed class UNetSkipBlockExporter : LayerExporter<UNetSkipBlock>
{
    protected override OnnxValue Export(UNetSkipBlock layer, OnnxValue input, OnnxExportContext context)
    {
        var x = context.Export(layer.Down, input, "down");
        if (layer.Inner is { } inner) x = context.Export(inner, x, "inner");
        var up = context.Export(layer.Up, x, "up");
        if (layer.Outermost) return up;
        int[] shape = (int[])up.Shape.Clone();
        shape[0] += input.Shape[0];
        return context.Node("Concat", shape, [input.Name, up.Name], OnnxGraphBuilder.Attribute("axis", 1L));
    }
}
