using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Onnx.Export;

/// <summary>What a layer exporter works with: the graph being built, the name scope of the current layer,
/// and a way to export child layers (for composites such as Sequential or Residual).</summary>
public sealed class OnnxExportContext(OnnxGraphBuilder builder)
{
    private readonly Stack<string> _scope = new();

    public OnnxGraphBuilder Builder { get; } = builder;

    /// <summary>The dotted path of the layer being exported ("layers.2.conv"), used to name its values.</summary>
    public string Scope => _scope.Count == 0 ? "net" : string.Join('.', _scope.Reverse());

    /// <summary>Exports <paramref name="layer"/> (under the name scope <paramref name="name"/>) and checks that the
    /// exporter produced the shape the layer itself reports.</summary>
    public OnnxValue Export(Layer layer, OnnxValue input, string name)
    {
        _scope.Push(name);
        try
        {
            int[] expected;
            try { expected = layer.OutputShape(input.Shape); }
            catch (ArgumentException e) { throw new ArgumentException($"{Scope} ({layer.Spec.Kind}): {e.Message}", e); }
            var output = LayerExporters.For(layer).Export(layer, input, this);
            if (!output.Shape.AsSpan().SequenceEqual(expected))
                throw new InvalidOperationException(
                    $"{Scope} ({layer.Spec.Kind}): the ONNX exporter produced shape {Tensor.ShapeText(output.Shape)} but the layer computes {Tensor.ShapeText(expected)}.");
            return output;
        }
        finally { _scope.Pop(); }
    }

    /// <summary>A name for a value of the current layer, e.g. "layers.2.weight".</summary>
    public string Name(string what) => $"{Scope}.{what}";

    public string Initializer(string what, Tensor value) => Builder.AddInitializer(Name(what), value.Shape, value.Span);

    public string Initializer(string what, ReadOnlySpan<int> dims, ReadOnlySpan<float> values) => Builder.AddInitializer(Name(what), dims, values);

    /// <summary>Adds one node named after the current layer and returns its output.</summary>
    public OnnxValue Node(string opType, int[] outputShape, IEnumerable<string> inputs, params global::Onnx.AttributeProto[] attributes) =>
        new(Builder.AddNode(opType, Name(opType.ToLowerInvariant()), inputs, attributes), outputShape);

    /// <summary>Reshapes to [N, ..perExample], keeping the batch axis dynamic (0 copies the input's batch size).</summary>
    public OnnxValue Reshape(OnnxValue input, int[] perExample)
    {
        var shape = Builder.AddInt64Initializer(Name("shape"), [0L, .. perExample.Select(d => (long)d)]);
        return Node("Reshape", perExample, [input.Name, shape]);
    }

    /// <summary>Flattens [N, d1, d2, ...] to [N, d1·d2·...]; returns the input unchanged when it is already a matrix.</summary>
    public OnnxValue Flatten(OnnxValue input)
    {
        if (input.Rank == 1) return input;
        int n = 1;
        foreach (int d in input.Shape) n *= d;
        return Node("Flatten", [n], [input.Name], OnnxGraphBuilder.Attribute("axis", 1L));
    }
}
