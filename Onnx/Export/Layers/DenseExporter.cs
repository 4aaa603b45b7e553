using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>Dense → Gemm(x, w, b, transB=1): our weight is stored [outputs × inputs], which is Gemm's B transposed.</summary>
public sealed class DenseExporter : LayerExporter<Dense>
{
    protected override OnnxValue Export(Dense layer, OnnxValue input, OnnxExportContext context)
    {
        var x = context.Flatten(input);
        var w = context.Initializer("weight", layer.Weight.Value);
        var b = context.Initializer("bias", layer.Bias.Value);
        return context.Node("Gemm", [layer.Outputs], [x.Name, w, b], OnnxGraphBuilder.Attribute("transB", 1L));
    }
}
