using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>BatchNorm2d → BatchNormalization in inference form: y = γ (x − running mean) / √(running var + ε) + β.</summary>
public sealed class BatchNorm2dExporter : LayerExporter<BatchNorm2d>
{
    protected override OnnxValue Export(BatchNorm2d layer, OnnxValue input, OnnxExportContext context) =>
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
