using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests;

/// <summary>For each exportable layer type, a tiny network with random weights, biases and batch-norm statistics: our
/// forward pass and ONNX Runtime agree to 1e-4 on a batch of 3 rows of both signs, and the official checker accepts the
/// model. The types come from <see cref="LayerExporters.SupportedLayerTypes"/>, so a new exporter without a case fails.</summary>
public sealed class LayerParityTests
{
    public static TheoryData<string> Cases => new(LayerCases.Names);

    private static void AssertEveryTypeHasACase(IEnumerable<Type> exportable)
    {
        var covered = LayerCases.Names.SelectMany(name => RealValues.Walk(LayerCases.Build(name).Network)).Select(l => l.GetType()).ToHashSet();
        var missing = exportable.Where(t => !covered.Contains(t)).Select(t => t.Name).ToArray();
        Assert.True(missing.Length == 0, $"Exportable layer types without a case in LayerCases: {string.Join(", ", missing)}.");
    }

    [Fact]
    public void Every_exportable_layer_type_has_a_parity_case() => AssertEveryTypeHasACase(LayerExporters.SupportedLayerTypes);

    [Fact]
    public void An_exporter_without_a_case_is_named()
    {
        // As if an exporter for a new layer type had been added and no case.
        var e = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertEveryTypeHasACase(LayerExporters.SupportedLayerTypes.Append(typeof(PlantedLayer))));
        Assert.Contains("without a case in LayerCases: PlantedLayer.", e.Message);
    }

    /// <summary>Every layer kind of the library can be exported: a kind without an exporter would leave any network that
    /// uses it unexportable, and no parity case would notice (they follow the exporters).</summary>
    private static void AssertEveryKindHasAnExporter(IEnumerable<Type> layerTypes)
    {
        var missing = layerTypes.Where(t => t.GetCustomAttributes(typeof(LayerKindAttribute), false).Length > 0 && !LayerExporters.Supports(t))
            .Select(t => t.Name).Order().ToArray();
        Assert.True(missing.Length == 0, $"Layer kinds without an ONNX exporter: {string.Join(", ", missing)}.");
    }

    [Fact]
    public void Every_registered_layer_kind_has_an_exporter() => AssertEveryKindHasAnExporter(typeof(Layer).Assembly.GetTypes());

    [Fact]
    public void A_layer_kind_without_an_exporter_is_named() =>
        Assert.Contains("without an ONNX exporter: KindWithoutExporter.",
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertEveryKindHasAnExporter(typeof(Layer).Assembly.GetTypes().Append(typeof(KindWithoutExporter)))).Message);

    [LayerKind("planted-without-exporter")]
    private sealed class KindWithoutExporter : Layer
    {
        public override Tensor Forward(Tensor x, bool training) => x;
        public override Tensor Backward(Tensor dy) => dy;
        public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();
        public override LayerSpec Spec => new("planted-without-exporter");
    }

    private sealed class PlantedLayer : Layer
    {
        public override Tensor Forward(Tensor x, bool training) => x;
        public override Tensor Backward(Tensor dy) => dy;
        public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();
        public override LayerSpec Spec => new("planted");
    }

    /// <summary>docs/ONNX.md's layer table names every exportable layer type, and its count of parity cases is this
    /// test's (ScaleShift and UNetSkipBlock had been added without a row, and two cases to a count of 29).</summary>
    [Fact]
    public void The_onnx_document_lists_every_exportable_layer_and_counts_the_cases()
    {
        var doc = File.ReadAllLines(NeuralPipelines.Tests.Repository.Doc("ONNX.md"));
        int header = Array.FindIndex(doc, l => l.StartsWith("| layer | ONNX |"));
        Assert.True(header >= 0, "docs/ONNX.md has no '| layer | ONNX |' table");
        var named = doc.Skip(header + 2).TakeWhile(l => l.StartsWith('|'))
            .SelectMany(l => System.Text.RegularExpressions.Regex.Matches(l.Split('|')[1], @"\w+").Select(m => m.Value)).ToHashSet();
        var missing = LayerExporters.SupportedLayerTypes.Select(t => t.Name).Where(n => !named.Contains(n)).ToArray();
        Assert.True(missing.Length == 0, $"docs/ONNX.md's layer table has no row for: {string.Join(", ", missing)}.");
        Assert.Contains($"LayerParityTests` builds one tiny random network per layer type and", string.Join(' ', doc));
        Assert.Contains($"option ({LayerCases.Names.Count()} cases:", string.Join(' ', doc));
    }

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
            return (name, OnnxExporter.ExportBytes(network, card));
        }));
    }

    [Fact]
    public void Normalisation_is_part_of_the_graph()
    {
        var net = new Sequential(new Dense(12, 5, Initializer.He, new Random(3)), new ReLU());
        var card = ExportHarness.Card("normalised", 3, 2, 2) with { Normalization = new Normalization([0.1f, 0.5f, 0.9f], [0.3f, 0.2f, 0.25f]) };
        ExportHarness.AssertParity(net, card);
    }

    /// <summary>On all-negative images ONNX's MaxPool must pad with −∞ as ours does: with zero padding every window that
    /// overlaps the border would give 0, while ours gives a negative input.</summary>
    [Theory]
    [InlineData(3, 2, 1, 7, 7)]
    [InlineData(2, 2, 1, 6, 5)]
    public void Max_pool_padding_agrees_on_all_negative_inputs(int k, int s, int p, int h, int w)
    {
        var network = new Sequential(new MaxPool2d(k, s, p), new Flatten());
        var card = ExportHarness.Card("max_pool2d_negative", 2, h, w);
        var x = RealValues.Signed(3, card.InputLength, seed: 5).Select(v => v * 0.75f - 1.25f).ToArray();   // in [−2, −0.5)
        var ours = network.Forward(new Tensor((float[])x.Clone(), [3, .. card.InputShape]), training: false).Span.ToArray();
        Assert.True(ours.Max() < -0.4f, $"our max-pool let the padding win a window (largest output {ours.Max()})");
        ExportHarness.AssertParity(network, card, x);
    }

    [Fact]
    public void A_transposed_convolution_bias_is_exported()
    {
        var (network, card) = LayerCases.Build("conv_transpose2d");
        var bias = RealValues.Walk(network).OfType<ConvTranspose2d>().Single().Bias!.Value.Span.ToArray();
        Assert.Contains(bias, b => Math.Abs(b) > 0.05f);
        ExportHarness.AssertParity(network, card);
    }
}
