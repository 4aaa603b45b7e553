using global::Onnx;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>What Conv and ConvTranspose nodes share: weight and optional bias as initializers, and the window attributes.</summary>
internal static class ConvolutionNode
{
    /// <summary>Adds the node; symmetric padding becomes ONNX's pads [pH, pW, pH, pW] (all begins, then all ends).</summary>
    public static OnnxValue Add(OnnxExportContext context, string opType, OnnxValue input, int[] outputShape, Tensor weight, Tensor? bias,
        (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, params AttributeProto[] more)
    {
        var inputs = new List<string> { input.Name, context.Initializer("weight", weight) };
        if (bias is not null) inputs.Add(context.Initializer("bias", bias));
        return context.Node(opType, outputShape, inputs,
        [
            OnnxGraphBuilder.Attribute("kernel_shape", kernel.H, kernel.W),
            OnnxGraphBuilder.Attribute("strides", stride.H, stride.W),
            OnnxGraphBuilder.Attribute("pads", padding.H, padding.W, padding.H, padding.W),
            OnnxGraphBuilder.Attribute("dilations", dilation.H, dilation.W),
            .. more,
        ]);
    }
}
