using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.Tests.Support;

/// <summary>One tiny network per exportable layer type, with random weights from a fixed seed.</summary>
public static class LayerCases
{
    private static readonly Dictionary<string, Func<(Layer, ModelCard)>> All = new()
    {
        ["dense"] = () => (new Dense(7, 4, Initializer.Normal, new Random(1)), ExportHarness.Card("dense", 7)),
        ["dense_on_image"] = () => (new Dense(2 * 3 * 3, 5, Initializer.Scaled, new Random(2)), ExportHarness.Card("dense_on_image", 2, 3, 3)),
        ["relu"] = () => (new Sequential(new Dense(6, 6, Initializer.Normal, new Random(3)), new ReLU()), ExportHarness.Card("relu", 6)),
        ["mlp"] = () => (new Sequential(new Dense(16, 10, Initializer.He, new Random(4)), new ReLU(), new Dense(10, 3, Initializer.Xavier, new Random(5))),
            ExportHarness.Card("mlp", 1, 4, 4)),
        ["nested_sequential"] = () => (new Sequential(new Sequential(new Dense(5, 5, Initializer.Normal, new Random(6)), new ReLU()), new Dense(5, 2, Initializer.Normal, new Random(7))),
            ExportHarness.Card("nested_sequential", 5)),
    };

    public static IEnumerable<string> Names => All.Keys;

    public static (Layer Network, ModelCard Card) Build(string name) => All[name]();
}
