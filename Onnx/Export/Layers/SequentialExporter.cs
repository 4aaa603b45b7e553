using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Onnx.Export.Layers;

/// <summary>Sequential → its children's nodes chained, each named by its index.</summary>
public sealed class SequentialExporter : LayerExporter<Sequential>
{
    protected override OnnxValue Export(Sequential layer, OnnxValue input, OnnxExportContext context)
    {
        var x = input;
        for (int i = 0; i < layer.Children.Count; i++) x = context.Export(layer.Children[i], x, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return x;
    }
}
