using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>Conv2d → Conv. Our weight is already ONNX's [out, in, kH, kW].</summary>
public sealed class Conv2dExporter : LayerExporter<Conv2d>
{
    protected override OnnxValue Export(Conv2d layer, OnnxValue input, OnnxExportContext context) =>
        ConvolutionNode.Add(context, "Conv", input, layer.OutputShape(input.Shape), layer.Weight.Value, layer.Bias?.Value,
            layer.Kernel, layer.Stride, layer.Padding, layer.Dilation);
}
