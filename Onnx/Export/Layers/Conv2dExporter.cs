using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>Conv2d → Conv. Our weight is already ONNX's [out, in, kH, kW]; symmetric padding becomes pads [pH, pW, pH, pW].</summary>
public sealed class Conv2dExporter : LayerExporter<Conv2d>
{
    protected override OnnxValue Export(Conv2d layer, OnnxValue input, OnnxExportContext context)
    {
        var inputs = new List<string> { input.Name, context.Initializer("weight", layer.Weight.Value) };
        if (layer.Bias is { } bias) inputs.Add(context.Initializer("bias", bias.Value));
        return context.Node("Conv", layer.OutputShape(input.Shape), inputs,
            OnnxGraphBuilder.Attribute("kernel_shape", layer.Kernel.H, layer.Kernel.W),
            OnnxGraphBuilder.Attribute("strides", layer.Stride.H, layer.Stride.W),
            OnnxGraphBuilder.Attribute("pads", layer.Padding.H, layer.Padding.W, layer.Padding.H, layer.Padding.W),
            OnnxGraphBuilder.Attribute("dilations", layer.Dilation.H, layer.Dilation.W));
    }
}
