using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>BatchNorm1d → BatchNormalization on the [N, F] matrix.</summary>
public sealed class BatchNorm1dExporter : LayerExporter<BatchNorm1d>
{
    protected override OnnxValue Export(BatchNorm1d layer, OnnxValue input, OnnxExportContext context) =>
        BatchNormalizationNode.Export(input, context, layer.Gamma.Value, layer.Beta.Value, layer.RunningMean, layer.RunningVariance, layer.Epsilon);
}
