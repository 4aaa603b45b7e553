using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>BatchNorm1d → BatchNormalization in inference form on the [N, F] matrix (ONNX takes the channel axis to be
/// axis 1 whatever the rank, so rank 2 needs no reshape): y = γ (x − running mean) / √(running var + ε) + β.</summary>
public sealed class BatchNorm1dExporter : LayerExporter<BatchNorm1d>
{
    protected override OnnxValue Export(BatchNorm1d layer, OnnxValue input, OnnxExportContext context) =>
        context.Node("BatchNormalization", input.Shape,
            [
                input.Name,
                context.Initializer("gamma", layer.Gamma.Value),
                context.Initializer("beta", layer.Beta.Value),
                context.Initializer("running_mean", layer.RunningMean),
                context.Initializer("running_var", layer.RunningVariance),
            ],
            OnnxGraphBuilder.Attribute("epsilon", layer.Epsilon));
}
