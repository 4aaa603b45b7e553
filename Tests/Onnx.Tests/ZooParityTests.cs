using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests;

/// <summary>Every model-zoo network, built for both inputs it is sized for (MNIST and CIFAR), with random biases,
/// batch-norm γ, β and running statistics, exports to ONNX that ONNX Runtime runs to within 1e-4 of our forward pass on
/// inputs of both signs, and that the official checker accepts. New zoo entries are picked up by reflection.</summary>
public sealed class ZooParityTests
{
    private static readonly int[][] Inputs = [[1, 28, 28], [3, 32, 32]];

    public static TheoryData<string> Architectures => new(ModelZoo.Architectures.Select(a => a.Name));

    /// <summary>The networks an architecture builds for both input sizes, with dropout so that it is exported too. The zoo
    /// is sized for both (docs/ZOO.md), so a network that stops building at one fails here with its own message rather
    /// than quietly losing half its coverage; the smallest size each accepts is declared in the Models tests' ZooTests.</summary>
    private static List<(Layer Network, ModelCard Card)> Build(string name) =>
        Inputs.Select(shape =>
        {
            var network = ModelZoo.Build(name, new ZooOptions(shape[0], shape[1], shape[2], Classes: 10, Seed: 5, Dropout: 0.3f));
            var card = new ModelCard { Architecture = name, InputShape = shape, ClassLabels = Enumerable.Range(0, 10).Select(i => $"{i}").ToArray(), Seed = 5 };
            return (RealValues.Roughen(network, seed: 6), card);
        }).ToList();

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Zoo_network_matches_onnx_runtime(string name)
    {
        foreach (var (network, card) in Build(name)) ExportHarness.AssertParity(network, card);
    }

    [OnnxCheckerFact]
    public void Every_zoo_network_passes_the_official_checker()
    {
        ExportHarness.AssertChecked(ModelZoo.Architectures.SelectMany(a => Build(a.Name)
            .Select(m => ($"{a.Name}-{string.Join("x", m.Card.InputShape)}", OnnxExporter.ExportBytes(m.Network, m.Card)))));
    }
}
