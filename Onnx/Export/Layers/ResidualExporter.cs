using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>Residual → Add(body(x), shortcut(x)), the shortcut being x itself when the block has no projection.</summary>
public sealed class ResidualExporter : LayerExporter<Residual>
{
    protected override OnnxValue Export(Residual layer, OnnxValue input, OnnxExportContext context)
    {
        var body = context.Export(layer.Body, input, "body");
        var skip = layer.Shortcut is { } shortcut ? context.Export(shortcut, input, "shortcut") : input;
        return context.Node("Add", body.Shape, [body.Name, skip.Name]);
    }
}
