using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>A random convolution and its three products by the definitions (<see cref="DirectConv2dReference"/>): the
/// answer every fast convolution route is checked against. <see cref="Start"/> is what ∂C/∂w accumulates onto, so a route
/// that overwrites instead of adding is caught.</summary>
public sealed record ConvolutionProblem(
    ConvolutionGeometry Shape, float[] X, float[] W, float[] B, float[] Dy, float[] Start, float[] Y, float[] Dw, float[] Dx)
{
    public static ConvolutionProblem Random(ConvolutionGeometry s, Random rng)
    {
        var g = s.Window;
        int batch = s.Batch, outChannels = s.OutChannels;
        var x = GradientCheck.Random(rng, batch, g.Channels, g.Height, g.Width).Data;
        var w = GradientCheck.Random(rng, outChannels, g.Channels, g.KernelH, g.KernelW).Data;
        var b = GradientCheck.Random(rng, outChannels).Data;
        var dy = GradientCheck.Random(rng, batch, outChannels, g.OutHeight, g.OutWidth).Data;
        var start = GradientCheck.Random(rng, w.Length).Data;

        var y = new float[s.OutputLength];
        DirectConv2dReference.Forward(x, batch, g, w, outChannels, b, y);
        var dw = (float[])start.Clone();
        DirectConv2dReference.WeightGradient(x, dy, batch, g, outChannels, dw);
        var dx = new float[x.Length];
        DirectConv2dReference.InputGradient(dy, batch, g, w, outChannels, dx);
        return new ConvolutionProblem(s, x, w, b, dy, start, y, dw, dx);
    }
}
