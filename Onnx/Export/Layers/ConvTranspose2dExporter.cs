using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>ConvTranspose2d → ConvTranspose. Our weight is [in, out, kH, kW], which is ONNX's layout for one group;
/// the output size follows from strides, pads, dilations and output_padding exactly as in the layer.</summary>
public sealed class ConvTranspose2dExporter : LayerExporter<ConvTranspose2d>
{
    protected override OnnxValue Export(ConvTranspose2d layer, OnnxValue input, OnnxExportContext context)
    {
        var inputs = new List<string> { input.Name, context.Initializer("weight", layer.Weight.Value) };
        if (layer.Bias is { } bias) inputs.Add(context.Initializer("bias", bias.Value));
        return context.Node("ConvTranspose", layer.OutputShape(input.Shape), inputs,
            OnnxGraphBuilder.Attribute("kernel_shape", layer.Kernel.H, layer.Kernel.W),
            OnnxGraphBuilder.Attribute("strides", layer.Stride.H, layer.Stride.W),
            OnnxGraphBuilder.Attribute("pads", layer.Padding.H, layer.Padding.W, layer.Padding.H, layer.Padding.W),
            OnnxGraphBuilder.Attribute("dilations", layer.Dilation.H, layer.Dilation.W),
            OnnxGraphBuilder.Attribute("output_padding", layer.OutputPadding.H, layer.OutputPadding.W));
    }
}
