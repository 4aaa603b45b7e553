using Google.Protobuf;
using global::Onnx;

namespace NeuralPipelines.Onnx.Export;

/// <summary>Appends nodes and initializers to an ONNX graph, giving every value a unique, readable name.</summary>
public sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string graphName) => Graph = new GraphProto { Name = graphName };

    public GraphProto Graph { get; }

    /// <summary>Reserves a name: <paramref name="hint"/> itself when free, else hint_2, hint_3...</summary>
    public string UniqueName(string hint)
    {
        if (_names.Add(hint)) return hint;
        for (int i = 2; ; i++)
            if (_names.Add($"{hint}_{i}")) return $"{hint}_{i}";
    }

    /// <summary>A float32 constant stored as an initializer (the way ONNX carries weights).</summary>
    public string AddInitializer(string hint, ReadOnlySpan<int> dims, ReadOnlySpan<float> values)
    {
        long n = 1;
        foreach (int d in dims) n *= d;
        if (n != values.Length) throw new ArgumentException($"Initializer {hint}: shape has {n} elements but {values.Length} values were given.");
        var t = new TensorProto { Name = UniqueName(hint), DataType = (int)TensorProto.Types.DataType.Float };
        foreach (int d in dims) t.Dims.Add(d);
        // raw_data is little-endian IEEE 754, which is how .NET lays out floats on every platform we run on.
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        Graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>An int64 constant (shapes, axes) stored as an initializer.</summary>
    public string AddInt64Initializer(string hint, params long[] values)
    {
        var t = new TensorProto { Name = UniqueName(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.Add(values);
        Graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>Adds one node with one output and returns the output's name.</summary>
    public string AddNode(string opType, string outputHint, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = UniqueName(outputHint);
        AddNodeWithOutput(opType, output, inputs, attributes);
        return output;
    }

    /// <summary>Adds one node whose output is named exactly <paramref name="output"/>: a graph output, whose name the
    /// caller reserved with <see cref="UniqueName"/> before any other value could take it.</summary>
    public void AddNodeWithOutput(string opType, string output, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueName($"{output}/{opType}") };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
    }

    public static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    /// <summary>A float tensor type of fixed shape (no batch axis: ML.NET's OnnxTransformer feeds one row at a time).</summary>
    public static ValueInfoProto Float(string name, ReadOnlySpan<int> dims)
    {
        var shape = new TensorShapeProto();
        foreach (int d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return Value(name, TensorProto.Types.DataType.Float, shape);
    }

    /// <summary>A float tensor type whose first axis is the symbolic batch dimension.</summary>
    public static ValueInfoProto BatchedFloat(string name, string batchDim, ReadOnlySpan<int> perExample) =>
        Batched(name, TensorProto.Types.DataType.Float, batchDim, perExample);

    /// <summary>A tensor type of the given element type whose first axis is the symbolic batch dimension.</summary>
    public static ValueInfoProto Batched(string name, TensorProto.Types.DataType type, string batchDim, ReadOnlySpan<int> perExample)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batchDim });
        foreach (int d in perExample) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return Value(name, type, shape);
    }

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, TensorShapeProto shape) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
    };
}
