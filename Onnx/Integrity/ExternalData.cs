using global::Onnx;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Onnx.Integrity;

/// <summary>Refuses an ONNX model that keeps any tensor's values in another file (ONNX "external data").</summary>
/// <remarks>Our loaders hand ONNX Runtime the model's bytes, not its path, so ONNX Runtime looks for such a file in the
/// process's current folder: a model would read a file outside its own folder, or fail unless run from there. Nothing
/// bounds what it reads either: a 200-byte model naming a sparse file made the scorer allocate gigabytes. Our exports never
/// use external data (it exists for models over protobuf's 2 GB, which a byte array cannot hold anyway), so a model that
/// does is refused whole, before ONNX Runtime opens anything: initializers, sparse initializers, Constant and other node
/// attributes, in every subgraph and function.</remarks>
public static class ExternalData
{
    /// <exception cref="InvalidDataException">A tensor of <paramref name="model"/> names an external file; one line naming <paramref name="source"/>.</exception>
    public static void Refuse(ModelProto model, string source)
    {
        var found = Find(model.Graph);
        foreach (var function in model.Functions)
            found ??= FindIn(function.Node);
        if (found is not { } tensor) return;
        string location = tensor.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value ?? "";
        throw new InvalidDataException(
            $"{source}: tensor '{Excerpt.Of(tensor.Name, 80)}' keeps its values in an external file ('{Excerpt.Of(location, 80)}'); " +
            "only self-contained ONNX models are loaded (save it with its weights inside, e.g. onnx.save_model(model, path, save_as_external_data=False)).");
    }

    private static TensorProto? Find(GraphProto? graph)
    {
        if (graph is null) return null;
        foreach (var t in graph.Initializer)
            if (IsExternal(t)) return t;
        foreach (var s in graph.SparseInitializer)
            if (External(s) is { } t) return t;
        return FindIn(graph.Node);
    }

    private static TensorProto? FindIn(IEnumerable<NodeProto> nodes)
    {
        foreach (var node in nodes)
            foreach (var a in node.Attribute)
            {
                if (a.T is { } t && IsExternal(t)) return t;
                foreach (var each in a.Tensors)
                    if (IsExternal(each)) return each;
                if (a.SparseTensor is { } s && External(s) is { } st) return st;
                foreach (var each in a.SparseTensors)
                    if (External(each) is { } et) return et;
                if (Find(a.G) is { } inG) return inG;
                foreach (var g in a.Graphs)
                    if (Find(g) is { } inGraphs) return inGraphs;
            }
        return null;
    }

    private static TensorProto? External(SparseTensorProto s) =>
        s.Values is { } v && IsExternal(v) ? v : s.Indices is { } i && IsExternal(i) ? i : null;

    // A tensor that lists a location without being marked external is malformed either way; neither reaches ONNX Runtime.
    private static bool IsExternal(TensorProto t) =>
        t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0;
}
