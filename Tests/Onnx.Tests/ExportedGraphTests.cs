using global::Onnx;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests;

/// <summary>The structure of an exported model: opset, dynamic batch axis, names, initializers and metadata_props.</summary>
public sealed class ExportedGraphTests
{
    private static (Layer, ModelCard) Mlp() =>
        (new Sequential(new Dense(16, 8, Initializer.He, new Random(1)), new ReLU(), new Dense(8, 3, Initializer.Xavier, new Random(2))),
         new ModelCard
         {
             Architecture = "mlp",
             InputShape = [1, 4, 4],
             Normalization = new Normalization([0.13f], [0.31f]),
             ClassLabels = ["cat", "dog", "bird"],
             Metrics = new Dictionary<string, double> { ["accuracy"] = 0.91, ["loss"] = 0.25 },
             Seed = 42,
         });

    [Fact]
    public void Model_has_opset_17_a_dynamic_batch_axis_and_named_input_and_outputs()
    {
        var (net, card) = Mlp();
        var model = ModelProto.Parser.ParseFrom(OnnxExporter.ExportBytes(net, card));

        Assert.Equal(8, model.IrVersion);
        Assert.Contains(model.OpsetImport, o => o.Domain == "" && o.Version == 17);
        var input = Assert.Single(model.Graph.Input);
        Assert.Equal("input", input.Name);
        var dims = input.Type.TensorType.Shape.Dim;
        Assert.Equal("batch", dims[0].DimParam);
        Assert.Equal([1L, 4, 4], dims.Skip(1).Select(d => d.DimValue));
        Assert.Equal(["scores", "probabilities", "predicted_class"], model.Graph.Output.Select(o => o.Name));
        Assert.All(model.Graph.Output, o => Assert.Equal("batch", o.Type.TensorType.Shape.Dim[0].DimParam));
    }

    [Fact]
    public void Weights_are_initializers_with_the_trained_values()
    {
        var (net, card) = Mlp();
        var model = ModelProto.Parser.ParseFrom(OnnxExporter.ExportBytes(net, card));
        var first = (Dense)net.Children[0];
        var w = Assert.Single(model.Graph.Initializer, t => t.Name == "net.0.weight");
        Assert.Equal([8L, 16], w.Dims);
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(w.RawData.Span).ToArray();
        Assert.Equal(first.Weight.Value.Span.ToArray(), values);
        // 2 × (weight, bias) + normalisation mean and std: nothing else is baked in.
        Assert.Equal(6, model.Graph.Initializer.Count);
    }

    [Theory]
    [InlineData("[\"cat\",\"dog\",\"cat\"]", "names 'cat' for classes 0 and 2; a label names one class.")]
    [InlineData("[\"cat\",null,\"bird\"]", "has no label for class 1.")]
    public void A_card_whose_class_labels_repeat_or_lack_one_is_refused_naming_the_file(string labels, string message)
    {
        // A repeated label crashed np validate ("An item with the same key has already been added"), naming no file.
        var (net, card) = Mlp();
        var props = ModelProto.Parser.ParseFrom(OnnxExporter.ExportBytes(net, card)).MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        props["class_labels"] = labels;
        var e = Assert.Throws<FormatException>(() => ModelCard.FromProperties(props, "m.onnx"));
        Assert.Equal($"m.onnx: the ONNX metadata entry 'class_labels' {message}", e.Message);
    }

    [Fact]
    public void Metadata_props_carry_the_model_card_and_read_back()
    {
        var (net, card) = Mlp();
        var model = ModelProto.Parser.ParseFrom(OnnxExporter.ExportBytes(net, card));
        var props = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);

        foreach (var key in new[] { "architecture", "layers", "input_shape", "normalization", "class_labels", "metrics", "seed", "project_version", "output_activation" })
            Assert.True(props.ContainsKey(key), $"metadata_props lacks '{key}'");
        var back = ModelCard.FromProperties(props, "test");
        Assert.Equal("mlp", back.Architecture);
        Assert.Equal([1, 4, 4], back.InputShape);
        Assert.Equal(["cat", "dog", "bird"], back.ClassLabels);
        Assert.Equal(0.91, back.Metrics!["accuracy"]);
        Assert.Equal(42, back.Seed);
        Assert.Equal([0.13f], back.Normalization!.Mean);
        Assert.Equal(ModelCard.DefaultVersion, back.ProjectVersion);
        // The layer spec rebuilds the same architecture.
        Assert.Equal(net.Spec.ToString(), LayerSpec.FromJson(back.Layers!).ToString());
    }

    [Fact]
    public void A_layer_without_an_exporter_is_named_in_the_error()
    {
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.ExportBytes(new Sequential(new Unexportable()), ExportHarness.Card("x", 3)));
        Assert.Contains("unexportable", e.Message);
        Assert.Contains("Dense", e.Message);
    }

    [Fact]
    public void An_input_shape_that_does_not_fit_the_network_names_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ExportBytes(new Dense(10, 2), ExportHarness.Card("x", 1, 3, 3)));
        Assert.Contains("10", e.Message);
        Assert.Contains("[1×3×3]", e.Message);
    }

    [Fact]
    public void Parity_rows_that_do_not_fit_the_input_shape_are_named()
    {
        var (net, card) = Mlp();
        var e = Assert.Throws<ArgumentException>(() => ExportParity.Check(net, card, OnnxExporter.ExportBytes(net, card), new float[20]));
        Assert.Equal("20 input values are not whole rows of 16 ([1×4×4]).", e.Message);
    }

    /// <summary>The last node reads a value that nothing produces: a graph that parses but cannot run.</summary>
    private static byte[] BrokenGraph()
    {
        var (net, card) = Mlp();
        var model = OnnxExporter.Export(net, card);
        model.Graph.Node[^1].Input[0] = "nowhere";
        return Google.Protobuf.MessageExtensions.ToByteArray(model);
    }

    [OnnxCheckerFact]
    public void The_checker_rejects_a_broken_graph_so_its_verdicts_mean_something()
    {
        using var temp = new TempFolder();
        var path = temp.File("broken.onnx");
        File.WriteAllBytes(path, BrokenGraph());
        Assert.NotNull(OnnxChecker.Check(path));
        // The assertion every checker test goes through fails on it too, naming the model.
        var e = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => ExportHarness.AssertChecked([("broken", BrokenGraph()), ("sound", OnnxExporter.ExportBytes(Mlp().Item1, Mlp().Item2))]));
        Assert.Contains("rejected 1 of 2", e.Message);
        Assert.Contains("broken.onnx", e.Message);
    }

    [Fact]
    public void Np_validate_refuses_a_broken_graph_naming_the_file()
    {
        // SavedModel.Load is what np validate (and a user's dotnet test) opens a model with.
        using var temp = new TempFolder();
        var path = temp.File("broken.onnx");
        File.WriteAllBytes(path, BrokenGraph());
        var e = Assert.Throws<InvalidDataException>(() => global::NeuralPipelines.Onnx.Validation.SavedModel.Load(path).Dispose());
        Assert.Contains(path, e.Message);
    }

    private sealed class Unexportable : Layer
    {
        public override Models.Tensors.Tensor Forward(Models.Tensors.Tensor x, bool training) => x;
        public override Models.Tensors.Tensor Backward(Models.Tensors.Tensor dy) => dy;
        public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();
        public override LayerSpec Spec => new("unexportable");
    }
}
