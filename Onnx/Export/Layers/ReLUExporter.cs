using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>ReLU → Relu.</summary>
public sealed class ReLUExporter : LayerExporter<ReLU>
{
    protected override OnnxValue Export(ReLU layer, OnnxValue input, OnnxExportContext context) =>
        context.Node("Relu", input.Shape, [input.Name]);
}
