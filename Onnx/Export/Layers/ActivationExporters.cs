using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>Sigmoid → Sigmoid.</summary>
public sealed class SigmoidExporter : LayerExporter<Sigmoid>
{
    protected override OnnxValue Export(Sigmoid layer, OnnxValue input, OnnxExportContext context) =>
        context.Node("Sigmoid", input.Shape, [input.Name]);
}

/// <summary>Tanh → Tanh.</summary>
public sealed class TanhExporter : LayerExporter<Tanh>
{
    protected override OnnxValue Export(Tanh layer, OnnxValue input, OnnxExportContext context) =>
        context.Node("Tanh", input.Shape, [input.Name]);
}

/// <summary>LeakyReLU → LeakyRelu(alpha = slope).</summary>
public sealed class LeakyReLUExporter : LayerExporter<LeakyReLU>
{
    protected override OnnxValue Export(LeakyReLU layer, OnnxValue input, OnnxExportContext context) =>
        context.Node("LeakyRelu", input.Shape, [input.Name], OnnxGraphBuilder.Attribute("alpha", layer.Slope));
}

/// <summary>Dropout → Identity: inverted dropout needs no rescaling at inference, so the layer passes its input through.</summary>
public sealed class DropoutExporter : LayerExporter<Dropout>
{
    protected override OnnxValue Export(Dropout layer, OnnxValue input, OnnxExportContext context) =>
        context.Node("Identity", input.Shape, [input.Name]);
}

/// <summary>ScaleShift → Mul by s, then Add t (scalar initializers broadcast over any shape).</summary>
public sealed class ScaleShiftExporter : LayerExporter<ScaleShift>
{
    protected override OnnxValue Export(ScaleShift layer, OnnxValue input, OnnxExportContext context)
    {
        var scale = context.Initializer("scale", [], [layer.Scale]);
        var scaled = context.Node("Mul", input.Shape, [input.Name, scale]);
        var shift = context.Initializer("shift", [], [layer.Shift]);
        return context.Node("Add", input.Shape, [scaled.Name, shift]);
    }
}
