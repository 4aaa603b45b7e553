using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>ConvTranspose2d → ConvTranspose. Our weight is [in, out, kH, kW], which is ONNX's layout for one group;
/// the output size follows from strides, pads, dilations and output_padding exactly as in the layer.</summary>
public sealed class ConvTranspose2dExporter : LayerExporter<ConvTranspose2d>
{
    protected override OnnxValue Export(ConvTranspose2d layer, OnnxValue input, OnnxExportContext context) =>
        ConvolutionNode.Add(context, "ConvTranspose", input, layer.OutputShape(input.Shape), layer.Weight.Value, layer.Bias?.Value,
            layer.Kernel, layer.Stride, layer.Padding, layer.Dilation,
            OnnxGraphBuilder.Attribute("output_padding", layer.OutputPadding.H, layer.OutputPadding.W));
}
