using System.Collections.Concurrent;
using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Onnx.Export;

/// <summary>The registry of layer exporters, keyed by layer type. Exporters in this assembly register themselves;
/// another assembly can add its own with <see cref="Register"/>.</summary>
public static class LayerExporters
{
    private static readonly Lazy<ConcurrentDictionary<Type, ILayerExporter>> All = new(Scan);

    public static void Register(ILayerExporter exporter) => All.Value[exporter.LayerType] = exporter;

    public static IReadOnlyCollection<Type> SupportedLayerTypes => All.Value.Keys.OrderBy(t => t.Name).ToArray();

    public static bool Supports(Type layerType) => All.Value.ContainsKey(layerType);

    public static ILayerExporter For(Layer layer) =>
        All.Value.TryGetValue(layer.GetType(), out var e) ? e
        : throw new NotSupportedException(
            $"There is no ONNX exporter for layer '{layer.Spec.Kind}' ({layer.GetType().Name}). " +
            $"Exportable layers: {string.Join(", ", SupportedLayerTypes.Select(t => t.Name))}.");

    private static ConcurrentDictionary<Type, ILayerExporter> Scan()
    {
        var map = new ConcurrentDictionary<Type, ILayerExporter>();
        foreach (var t in typeof(LayerExporters).Assembly.GetTypes())
            if (typeof(ILayerExporter).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false } && t.GetConstructor(Type.EmptyTypes) is not null)
            {
                var e = (ILayerExporter)Activator.CreateInstance(t)!;
                map[e.LayerType] = e;
            }
        return map;
    }
}
