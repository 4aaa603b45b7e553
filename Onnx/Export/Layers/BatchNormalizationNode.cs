using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>The one ONNX BatchNormalization node both batch-norm layers export to, in inference form:
/// y = γ (x − running mean) / √(running var + ε) + β. ONNX takes axis 1 as the channel axis whatever the rank, so
/// [N, F] (BatchNorm1d) and [N, C, H, W] (BatchNorm2d) need no reshape.</summary>
internal static class BatchNormalizationNode
{
    public static OnnxValue Export(OnnxValue input, OnnxExportContext context, Tensor gamma, Tensor beta, Tensor runningMean,
        Tensor runningVariance, float epsilon) =>
        context.Node("BatchNormalization", input.Shape,
            [
                input.Name,
                context.Initializer("gamma", gamma),
                context.Initializer("beta", beta),
                context.Initializer("running_mean", runningMean),
                context.Initializer("running_var", runningVariance),
            ],
            OnnxGraphBuilder.Attribute("epsilon", epsilon));
}
