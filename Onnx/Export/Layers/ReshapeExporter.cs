using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>Reshape → Reshape to [0, ..shape]: 0 copies the input's batch size, so the batch axis stays dynamic.</summary>
public sealed class ReshapeExporter : LayerExporter<Reshape>
{
    protected override OnnxValue Export(Reshape layer, OnnxValue input, OnnxExportContext context) =>
        context.Reshape(input, layer.Shape);
}
