using System.Globalization;
using NeuralPipelines.Onnx.Integrity;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>What the ML.NET face needs to know about an exported classifier before running it: its class labels and input width.</summary>
public static class OnnxModelInfo
{
    /// <summary>The NeuralPipelines card in the model's metadata, or null for an ONNX model exported elsewhere.</summary>
    /// <exception cref="InvalidDataException">The bytes are not ONNX, or the card in them is unreadable.</exception>
    public static ModelCard? Card(byte[] onnx, string source) => Card(Parse(onnx, source), source);

    // The parsed forms: parsing runs the whole integrity check (checksum, initializer sizes, finite weights), so a caller
    // that needs several facts of one model parses it once.
    private static ModelCard? Card(global::Onnx.ModelProto model, string source)
    {
        var props = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        if (!props.ContainsKey("input_shape")) return null;
        try { return ModelCard.FromProperties(props, source); }
        catch (FormatException e) { throw new InvalidDataException(e.Message, e); }
    }

    /// <summary>The card's class labels; "0", "1"... (as many as the probabilities output has) when the model has none.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX classifier with a fixed-size probabilities output.</exception>
    public static IReadOnlyList<string> ClassLabels(byte[] onnx) => ClassLabels(Parse(onnx, "ONNX model"));

    /// <summary>The model parsed and checked once, with its class labels and input width: <paramref name="classLabels"/>
    /// when given, else <see cref="ClassLabels(byte[])"/>; and <see cref="InputLength(byte[])"/>. The checked model goes on to
    /// an editor (<see cref="NamedScoreOutput.Add(CheckedModel, string, string, IReadOnlyList{string})"/>) without a second parse.</summary>
    /// <exception cref="InvalidDataException">As for <see cref="ClassLabels(byte[])"/> (labels from the model), or the bytes
    /// are not ONNX.</exception>
    public static (CheckedModel Model, IReadOnlyList<string> ClassLabels, int? InputLength) Classifier(byte[] onnx, IReadOnlyList<string>? classLabels = null)
    {
        var model = OnnxIntegrity.Checked(onnx, "ONNX model");
        return (model, classLabels ?? ClassLabels(model.Proto), InputLength(model.Proto));
    }

    private static IReadOnlyList<string> ClassLabels(global::Onnx.ModelProto model)
    {
        if (Card(model, "ONNX model")?.ClassLabels is { Count: > 0 } labels) return labels;
        var output = model.Graph.Output.FirstOrDefault(o => o.Name == ModelCard.ProbabilitiesName)
            ?? throw new InvalidDataException($"The ONNX model has no '{ModelCard.ProbabilitiesName}' output (its outputs: {string.Join(", ", model.Graph.Output.Select(o => o.Name))}).");
        var dims = output.Type.TensorType.Shape.Dim;
        if (dims.Count != 2 || dims[1].DimValue <= 0)
            throw new InvalidDataException($"The ONNX model's '{ModelCard.ProbabilitiesName}' output should be [batch, classes]; it is [{string.Join(", ", dims.Select(d => d.DimValue > 0 ? d.DimValue.ToString(CultureInfo.InvariantCulture) : d.DimParam))}].");
        return Enumerable.Range(0, (int)dims[1].DimValue).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>The values one row of the graph's input holds (its dimensions after the batch), or null where the graph
    /// leaves one of them open or names its input otherwise.</summary>
    /// <exception cref="InvalidDataException">The bytes are not ONNX.</exception>
    public static int? InputLength(byte[] onnx) => InputLength(Parse(onnx, "ONNX model"));

    private static int? InputLength(global::Onnx.ModelProto model)
    {
        var input = model.Graph.Input.FirstOrDefault(i => i.Name == ModelCard.InputName);
        var dims = input?.Type?.TensorType?.Shape?.Dim;
        if (dims is null || dims.Count < 2 || dims.Skip(1).Any(d => d.DimValue <= 0)) return null;
        return checked((int)dims.Skip(1).Aggregate(1L, (a, d) => a * d.DimValue));
    }

    private static global::Onnx.ModelProto Parse(byte[] onnx, string source) => Integrity.OnnxIntegrity.Check(onnx, source);
}
