using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>BatchNorm2d → BatchNormalization on [N, C, H, W].</summary>
public sealed class BatchNorm2dExporter : LayerExporter<BatchNorm2d>
{
    protected override OnnxValue Export(BatchNorm2d layer, OnnxValue input, OnnxExportContext context) =>
        BatchNormalizationNode.Export(input, context, layer.Gamma.Value, layer.Beta.Value, layer.RunningMean, layer.RunningVariance, layer.Epsilon);
}
