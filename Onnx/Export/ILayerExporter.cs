using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Onnx.Export;

/// <summary>Writes one layer type as ONNX nodes. Implementations are found by reflection in <see cref="LayerExporters"/>,
/// so supporting a new layer means adding one exporter file and touching nothing else.</summary>
public interface ILayerExporter
{
    /// <summary>The exact layer type this exporter handles.</summary>
    Type LayerType { get; }

    /// <summary>Appends the nodes that compute <paramref name="layer"/> on <paramref name="input"/> and returns the output value.</summary>
    OnnxValue Export(Layer layer, OnnxValue input, OnnxExportContext context);
}

/// <summary>The typed base every exporter derives from.</summary>
public abstract class LayerExporter<T> : ILayerExporter where T : Layer
{
    public Type LayerType => typeof(T);

    public OnnxValue Export(Layer layer, OnnxValue input, OnnxExportContext context) => Export((T)layer, input, context);

    protected abstract OnnxValue Export(T layer, OnnxValue input, OnnxExportContext context);
}
