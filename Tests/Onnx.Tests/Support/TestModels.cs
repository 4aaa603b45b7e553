using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.Tests.Support;

/// <summary>Small exported models with fixed random weights, shared by the scorer and bad-input tests.</summary>
public static class TestModels
{
    /// <summary>An MLP on 1×4×4 "images" with 3 classes.</summary>
    public static (Layer Network, ModelCard Card, byte[] Onnx) SmallMlp(int seed = 1)
    {
        var net = new Sequential(new Dense(16, 12, Initializer.He, new Random(seed)), new ReLU(), new Dense(12, 3, Initializer.Xavier, new Random(seed + 1)));
        var card = new ModelCard { Architecture = "mlp", InputShape = [1, 4, 4], ClassLabels = ["a", "b", "c"], Seed = seed };
        return (net, card, OnnxExporter.ExportBytes(net, card));
    }

    public static float[] RandomRows(int count, int length, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count * length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        return x;
    }
}
