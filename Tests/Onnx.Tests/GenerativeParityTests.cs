using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests;

/// <summary>Each generative network, with non-zero biases and moved batch-norm statistics, exports to ONNX and ONNX Runtime
/// agrees with our inference-mode forward pass to 1e-4 on inputs of both signs; the official checker accepts every export.
/// Trained generators are in <see cref="TrainedExportParityTests"/>.</summary>
public sealed class GenerativeParityTests
{
    public static TheoryData<string> Names => new(Networks.Keys);

    private static readonly Dictionary<string, Func<(Layer Network, int[] Input)>> Networks = new()
    {
        ["dcgan_generator"] = () => (Trained(Dcgan.Generator(seed: 1), [64]), [64]),
        ["dcgan_discriminator"] = () => (Trained(Dcgan.Discriminator(seed: 2), [1, 28, 28]), [1, 28, 28]),
        ["gmmn_generator"] = () => (Gmmn.Generator(seed: 3), [10]),
        ["gmmn_code_generator"] = () => (Gmmn.CodeGenerator(seed: 4), [10]),
        ["gmmn_encoder"] = () => (Gmmn.Autoencoder(seed: 5).Encoder, [784]),
        ["gmmn_decoder"] = () => (Gmmn.Autoencoder(seed: 5).Decoder, [32]),
    };

    /// <summary>A few training-mode forward passes move the batch-norm running statistics away from 0 and 1, so the
    /// export's statistics are not the trivial ones.</summary>
    private static Layer Trained(Layer network, int[] input)
    {
        var rng = new Random(9);
        var x = new Tensor([8, .. input]);
        for (int step = 0; step < 3; step++)
        {
            foreach (ref float v in x.Span) v = (float)(rng.NextDouble() * 4 - 1);
            network.Forward(x, training: true);
        }
        return network;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Onnx_runtime_agrees_with_the_inference_forward_pass(string name)
    {
        var (network, input) = Networks[name]();
        // Biases start at zero in these networks: give them (and any γ, β still at 1, 0) values an export could drop.
        ExportHarness.AssertParity(RealValues.Roughen(network, seed: 12), ExportHarness.Card(name, input));
    }

    [OnnxCheckerFact]
    public void Every_generative_network_passes_the_official_checker()
    {
        ExportHarness.AssertChecked(Networks.Select(kv =>
        {
            var (network, input) = kv.Value();
            return (kv.Key, Export.OnnxExporter.ExportBytes(network, ExportHarness.Card(kv.Key, input)));
        }));
    }
}
