using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests;

/// <summary>For each layer type, a tiny network with random weights: our forward pass and ONNX Runtime agree to 1e-4
/// on a random batch of 3, and the official checker accepts the model.</summary>
public sealed class LayerParityTests
{
    public static TheoryData<string> Cases => new(LayerCases.Names);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_pass_and_onnx_runtime_agree(string name)
    {
        var (network, card) = LayerCases.Build(name);
        ExportHarness.AssertParity(network, card);
    }

    [OnnxCheckerFact]
    public void Every_layer_case_passes_the_official_checker()
    {
        ExportHarness.AssertChecked(LayerCases.Names.Select(name =>
        {
            var (network, card) = LayerCases.Build(name);
            return (name, Export.OnnxExporter.ExportBytes(network, card));
        }));
    }

    [Fact]
    public void Normalisation_is_part_of_the_graph()
    {
        var net = new Sequential(new Dense(12, 5, Initializer.He, new Random(3)), new ReLU());
        var card = ExportHarness.Card("normalised", 3, 2, 2) with { Normalization = new Normalization([0.1f, 0.5f, 0.9f], [0.3f, 0.2f, 0.25f]) };
        ExportHarness.AssertParity(net, card);
    }
}
