using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>Branches (Inception) → each branch on the same input, then Concat along the channel axis (axis 1).</summary>
public sealed class BranchesExporter : LayerExporter<Branches>
{
    protected override OnnxValue Export(Branches layer, OnnxValue input, OnnxExportContext context)
    {
        var outputs = layer.Children.Select((b, i) => context.Export(b, input, $"branch{i}")).ToArray();
        int[] shape = (int[])outputs[0].Shape.Clone();
        shape[0] = outputs.Sum(o => o.Shape[0]);
        return context.Node("Concat", shape, outputs.Select(o => o.Name), OnnxGraphBuilder.Attribute("axis", 1L));
    }
}
