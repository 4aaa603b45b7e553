using Google.Protobuf;
using global::Onnx;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Integrity;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>The copy of a classifier's graph that the ML.NET pipeline embeds: one more output, the probabilities of
/// the one row ML.NET feeds as a plain K-vector, whose slots ML.NET names after the classes.</summary>
/// <remarks>
/// ML.NET's ONNX transformer types an output [N, K] as Vector&lt;Single, 1, K&gt; (it fixes the batch at 1), and no
/// ML.NET transform both flattens a vector and keeps its slot names. So the flattening happens in the graph: a Gather of
/// row 0, declared [K]. ML.NET always feeds one row, so that is the row's probabilities. ONNX Runtime computes every
/// node on every run, so a batched caller of the same bytes (a ModelPool, np score or np serve opening the zip) also
/// computes it, at the cost of one K-float copy, and reads only the batched outputs.
/// ONNX has no slot names, so ML.NET keeps its own in the graph: its ONNX exporter writes, for a column C with slot
/// names, an ai.onnx.ml LabelEncoder node named <c>mlnet.C.SlotNames</c> whose <c>keys_strings</c> attribute lists them,
/// and its ONNX transformer gives an output column C the names it finds on a node of that name (dotnet/machinelearning
/// pull request 4857, in every release since 1.5). The node here follows that convention; it reads a one-string constant
/// and nothing consumes its output, which is not a graph output either.
/// Only the copy handed to ML.NET changes; the file the user exported stays as written.
/// </remarks>
public static class NamedScoreOutput
{
    /// <summary>The ai.onnx.ml opset the node is declared in; LabelEncoder with keys_strings → values_int64s exists since 1.</summary>
    private const long MlOpset = 2;
    private const string MlDomain = "ai.onnx.ml";

    /// <summary>The node name ML.NET's ONNX transformer looks for to name the slots of <paramref name="column"/>.</summary>
    public static string NodeName(string column) => $"mlnet.{column}.SlotNames";

    /// <summary>A copy of <paramref name="onnx"/> with an output <paramref name="column"/>: the [1, K] output
    /// <paramref name="source"/> as a K-vector, which ML.NET reads with <paramref name="names"/> as its slot names. Our
    /// checksum is renewed when the model carried one.</summary>
    public static byte[] Add(byte[] onnx, string source, string column, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        return Add(OnnxIntegrity.Checked(onnx, "the ONNX model"), source, column, names);
    }

    /// <summary>As <see cref="Add(byte[], string, string, IReadOnlyList{string})"/>, on a model already parsed and checked
    /// (which is changed in place): the checksum is renewed only on a model that passed the check.</summary>
    public static byte[] Add(CheckedModel checkedModel, string source, string column, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(checkedModel);
        var model = checkedModel.Proto;
        var from = model.Graph.Output.FirstOrDefault(o => o.Name == source)
            ?? throw new ArgumentException($"The ONNX model has no output '{source}' (its outputs: {string.Join(", ", model.Graph.Output.Select(o => o.Name))}).");
        var dims = from.Type.TensorType.Shape.Dim;
        if (dims.Count != 2 || dims[1].DimValue != names.Count)
            throw new ArgumentException($"The ONNX output '{source}' is [{string.Join(", ", dims.Select(d => d.HasDimValue ? d.DimValue.ToString() : d.DimParam))}], not [batch, {names.Count}] for {names.Count} class names.");
        if (model.Graph.Output.Any(o => o.Name == column) || model.Graph.Node.Any(n => n.Output.Contains(column)))
            throw new ArgumentException($"The ONNX model already has a value named '{column}'.");
        bool stamped = model.MetadataProps.Any(p => p.Key == OnnxChecksum.Key);

        var row = new TensorProto { Name = $"mlnet.{column}.row", DataType = (int)DataType.Int64 }; // a scalar: no dims
        row.Int64Data.Add(0);
        model.Graph.Initializer.Add(row);
        var gather = new NodeProto { Name = $"mlnet.{column}.Gather", OpType = "Gather" };
        gather.Input.Add(source);
        gather.Input.Add(row.Name);
        gather.Output.Add(column);
        gather.Attribute.Add(OnnxGraphBuilder.Attribute("axis", 0L));
        model.Graph.Node.Add(gather);
        model.Graph.Output.Add(OnnxGraphBuilder.Float(column, [names.Count]));

        AddSlotNames(model, column, names);
        if (stamped) OnnxChecksum.Stamp(model);
        return model.ToByteArray();
    }

    /// <summary>The slot names recorded for <paramref name="column"/>, or null when there are none.</summary>
    public static string[]? SlotNames(ModelProto model, string column)
    {
        var node = model.Graph?.Node.FirstOrDefault(n => n.Name == NodeName(column));
        var keys = node?.Attribute.FirstOrDefault(a => a.Name == "keys_strings");
        return keys?.Strings.Select(s => s.ToStringUtf8()).ToArray();
    }

    private static void AddSlotNames(ModelProto model, string column, IReadOnlyList<string> names)
    {
        string node = NodeName(column);
        var one = new TensorProto { Name = node + ".one", DataType = (int)DataType.String };
        one.Dims.Add(1);
        one.StringData.Add(ByteString.CopyFromUtf8("one"));
        model.Graph.Initializer.Add(one);

        var encoder = new NodeProto { Name = node, OpType = "LabelEncoder", Domain = MlDomain };
        encoder.Input.Add(one.Name);
        encoder.Output.Add($"mlnet.{column}.unusedOutput");
        var keys = new AttributeProto { Name = "keys_strings", Type = AttributeProto.Types.AttributeType.Strings };
        keys.Strings.AddRange(names.Select(ByteString.CopyFromUtf8));
        var values = new AttributeProto { Name = "values_int64s", Type = AttributeProto.Types.AttributeType.Ints };
        values.Ints.AddRange(Enumerable.Range(0, names.Count).Select(i => (long)i));
        encoder.Attribute.Add(keys);
        encoder.Attribute.Add(values);
        model.Graph.Node.Add(encoder);
        if (!model.OpsetImport.Any(o => o.Domain == MlDomain))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MlDomain, Version = MlOpset });
    }
}
