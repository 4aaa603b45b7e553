using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests;

/// <summary>Every model-zoo network, built for each input it accepts (MNIST-sized and CIFAR-sized), exports to ONNX that
/// ONNX Runtime runs to within 1e-4 of our forward pass, and that the official checker accepts. New zoo entries are
/// picked up by reflection.</summary>
public sealed class ZooParityTests
{
    private static readonly int[][] Inputs = [[1, 28, 28], [3, 32, 32]];

    public static TheoryData<string> Architectures => new(ModelZoo.Architectures.Select(a => a.Name));

    /// <summary>The networks an architecture builds for our two input sizes (one at least), with dropout so that it is exported too.</summary>
    private static List<(Layer Network, ModelCard Card)> Build(string name)
    {
        var built = new List<(Layer, ModelCard)>();
        var errors = new List<string>();
        foreach (var shape in Inputs)
        {
            try
            {
                var options = new ZooOptions(shape[0], shape[1], shape[2], Classes: 10, Seed: 5, Dropout: 0.3f);
                var network = ModelZoo.Build(name, options);
                built.Add((network, new ModelCard
                {
                    Architecture = name, InputShape = shape, ClassLabels = Enumerable.Range(0, 10).Select(i => $"{i}").ToArray(), Seed = 5,
                }));
            }
            catch (ArgumentException e) { errors.Add(e.Message); }
        }
        Assert.True(built.Count > 0, $"{name} builds for neither input: {string.Join(" | ", errors)}");
        return built;
    }

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
