using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>MaxPool2d → MaxPool. Padding never wins a maximum, in our layer as in ONNX.</summary>
public sealed class MaxPool2dExporter : LayerExporter<MaxPool2d>
{
    protected override OnnxValue Export(MaxPool2d layer, OnnxValue input, OnnxExportContext context) =>
        context.Node("MaxPool", layer.OutputShape(input.Shape), [input.Name],
            OnnxGraphBuilder.Attribute("kernel_shape", layer.Kernel.H, layer.Kernel.W),
            OnnxGraphBuilder.Attribute("strides", layer.Stride.H, layer.Stride.W),
            OnnxGraphBuilder.Attribute("pads", layer.Padding.H, layer.Padding.W, layer.Padding.H, layer.Padding.W));
}

/// <summary>AvgPool2d → AveragePool, with count_include_pad carried over (whether padded zeros count in the mean).</summary>
public sealed class AvgPool2dExporter : LayerExporter<AvgPool2d>
{
    protected override OnnxValue Export(AvgPool2d layer, OnnxValue input, OnnxExportContext context) =>
        context.Node("AveragePool", layer.OutputShape(input.Shape), [input.Name],
            OnnxGraphBuilder.Attribute("kernel_shape", layer.Kernel.H, layer.Kernel.W),
            OnnxGraphBuilder.Attribute("strides", layer.Stride.H, layer.Stride.W),
            OnnxGraphBuilder.Attribute("pads", layer.Padding.H, layer.Padding.W, layer.Padding.H, layer.Padding.W),
            OnnxGraphBuilder.Attribute("count_include_pad", layer.CountIncludePad ? 1L : 0L));
}

/// <summary>GlobalAvgPool → GlobalAveragePool: [N, C, H, W] → [N, C, 1, 1].</summary>
public sealed class GlobalAvgPoolExporter : LayerExporter<GlobalAvgPool>
{
    protected override OnnxValue Export(GlobalAvgPool layer, OnnxValue input, OnnxExportContext context) =>
        context.Node("GlobalAveragePool", layer.OutputShape(input.Shape), [input.Name]);
}
