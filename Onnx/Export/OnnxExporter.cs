using Google.Protobuf;
using global::Onnx;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Onnx.Integrity;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.Export;

/// <summary>Turns a network into an ONNX model: opset <see cref="OnnxFormat.Opset"/>, a dynamic batch axis, named input and outputs, weights as
/// initializers and a <see cref="ModelCard"/> as metadata_props.</summary>
/// <remarks>
/// The graph takes raw inputs named <c>input</c> [batch, …InputShape] and answers two outputs: <c>scores</c> (the
/// network's last layer, as trained) and <c>probabilities</c> (softmax over the scores, or the scores themselves when the
/// network already ends in softmax). Classifiers are trained on logits, so both are useful: scores for parity and
/// debugging, probabilities for users and for ML.NET.
/// </remarks>
public static class OnnxExporter
{
    public const string BatchDimension = "batch";

    public static ModelProto Export(Layer network, ModelCard card)
    {
        var builder = new OnnxGraphBuilder(card.Architecture);
        var graph = builder.Graph;
        builder.UniqueName(ModelCard.InputName);
        builder.UniqueName(ModelCard.ScoresName);
        builder.UniqueName(ModelCard.ProbabilitiesName);
        builder.UniqueName(ModelCard.PredictedClassName);
        graph.Input.Add(OnnxGraphBuilder.BatchedFloat(ModelCard.InputName, BatchDimension, card.InputShape));

        var context = new OnnxExportContext(builder);
        var x = new OnnxValue(ModelCard.InputName, card.InputShape);
        if (card.Normalization is { } norm) x = Normalize(x, norm, builder);

        var y = context.Export(network, x, "net");
        Output(builder, "Identity", ModelCard.ScoresName, y, []);
        if (y.Rank == 1)
        {
            string op = card.OutputActivation switch
            {
                OutputActivation.Softmax => LastLeaf(network) is Softmax ? "Identity" : "Softmax",
                OutputActivation.Sigmoid => "Sigmoid",
                _ => "Identity",
            };
            Output(builder, op, ModelCard.ProbabilitiesName, y, op == "Softmax" ? [OnnxGraphBuilder.Attribute("axis", -1L)] : []);
            builder.AddNodeWithOutput("ArgMax", ModelCard.PredictedClassName, [y.Name],
                OnnxGraphBuilder.Attribute("axis", 1L), OnnxGraphBuilder.Attribute("keepdims", 0L));
            graph.Output.Add(OnnxGraphBuilder.Batched(ModelCard.PredictedClassName, TensorProto.Types.DataType.Int64, BatchDimension, []));
        }

        var model = OnnxFormat.Model(graph, card.ProjectVersion, $"{card.Architecture} exported by NeuralPipelines {card.ProjectVersion}");
        model.Domain = "org.neuralpipelines";
        model.ModelVersion = 1;
        var described = card with { Layers = network.Spec.ToJson() };
        foreach (var (key, value) in described.ToProperties()) OnnxFormat.AddMetadata(model, key, value);
        OnnxChecksum.Stamp(model);
        return model;
    }

    public static byte[] ExportBytes(Layer network, ModelCard card) => Export(network, card).ToByteArray();

    /// <summary>Writes the model atomically: readers see the old file or the whole new one.</summary>
    public static void Save(ModelProto model, string path) => AtomicFile.Write(path, s => model.WriteTo(s));

    /// <summary>(x − mean) / std as Sub and Mul with constants shaped to broadcast over the channel axis.</summary>
    private static OnnxValue Normalize(OnnxValue x, Normalization norm, OnnxGraphBuilder builder)
    {
        int channels = x.Rank == 0 ? 1 : x.Shape[0];
        if (norm.Mean.Length != channels || norm.Std.Length != channels)
            throw new ArgumentException($"Normalisation has {norm.Mean.Length} mean(s) and {norm.Std.Length} std(s) but the input shape {Models.Tensors.Tensor.ShapeText(x.Shape)} has {channels} channel(s).");
        // [C, 1, 1] broadcasts against [N, C, H, W].
        int[] dims = [channels, .. Enumerable.Repeat(1, x.Rank - 1)];
        var mean = builder.AddInitializer("normalization.mean", dims, norm.Mean);
        // Multiplying by 1/std (computed in float) is the trainer's own arithmetic, so parity is exact here.
        var inverseStd = builder.AddInitializer("normalization.inverse_std", dims, norm.Std.Select(s => 1f / s).ToArray());
        var centred = builder.AddNode("Sub", "normalization.centred", [x.Name, mean]);
        return new OnnxValue(builder.AddNode("Mul", "normalization.output", [centred, inverseStd]), x.Shape);
    }

    private static void Output(OnnxGraphBuilder builder, string op, string name, OnnxValue from, AttributeProto[] attributes)
    {
        builder.AddNodeWithOutput(op, name, [from.Name], attributes);
        builder.Graph.Output.Add(OnnxGraphBuilder.BatchedFloat(name, BatchDimension, from.Shape));
    }

    /// <summary>The layer that produces the network's output (the last leaf of nested Sequentials).</summary>
    private static Layer LastLeaf(Layer layer)
    {
        while (layer is Sequential && layer.Children.Count > 0) layer = layer.Children[^1];
        return layer;
    }
}
