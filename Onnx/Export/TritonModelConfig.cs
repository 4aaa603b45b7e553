using System.Globalization;
using System.Text;
using Onnx;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Onnx.Export;

/// <summary>A Triton Inference Server model configuration (<c>config.pbtxt</c>) for an ONNX model, read from the graph
/// itself: platform onnxruntime_onnx, every graph input and output with its type and per-example dims, the largest
/// batch, and dynamic batching so that Triton gathers concurrent requests as <c>np serve</c> does.</summary>
public sealed record TritonModelConfig(string Name, int MaxBatchSize, IReadOnlyList<TritonTensor> Inputs, IReadOnlyList<TritonTensor> Outputs, int MaxQueueDelayMicroseconds)
{
    public const string Platform = "onnxruntime_onnx";

    /// <summary>The largest batch Triton sends: the scorer's batch, so both engines run the model at the same sizes.</summary>
    public static int DefaultMaxBatchSize { get; } = new OnnxScorerOptions().BatchSize;

    /// <summary>How long Triton holds a request to batch it with others (np serve's default wait).</summary>
    public const int DefaultMaxQueueDelayMicroseconds = 2000;

    /// <summary>The configuration of <paramref name="model"/>: each input and output must have a leading batch axis
    /// (symbolic or unknown), as every model np export writes does.</summary>
    /// <exception cref="InvalidDataException">A tensor without a batch axis, or of a type Triton has no name for; names it.</exception>
    /// <param name="maxBatchSize">Null: <see cref="DefaultMaxBatchSize"/>.</param>
    public static TritonModelConfig FromOnnx(ModelProto model, string name, int? maxBatchSize = null, int maxQueueDelayMicroseconds = DefaultMaxQueueDelayMicroseconds)
    {
        TritonRepository.CheckName(name);
        int batch = maxBatchSize ?? DefaultMaxBatchSize;
        CheckMaxBatchSize(batch);
        if (maxQueueDelayMicroseconds < 0) throw new ArgumentException($"The queue delay must not be negative, got {maxQueueDelayMicroseconds} µs.");
        // Older ONNX files list their weights among the graph inputs too; Triton feeds only the real ones.
        var weights = model.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = model.Graph.Input.Where(i => !weights.Contains(i.Name)).Select(i => Tensor(i, "input")).ToArray();
        var outputs = model.Graph.Output.Select(o => Tensor(o, "output")).ToArray();
        if (inputs.Length == 0) throw new InvalidDataException($"The ONNX model has no inputs; Triton has nothing to feed.");
        return new TritonModelConfig(name, batch, inputs, outputs, maxQueueDelayMicroseconds);
    }

    /// <summary>Refuses a largest batch below 1. Triton reads max_batch_size 0 as "this model does not batch", whose dims
    /// then include the batch axis and which takes no dynamic batching; the configuration written here is the other kind
    /// (per-example dims, dynamic batching), so 0 would describe the model wrongly rather than turn batching off.</summary>
    public static void CheckMaxBatchSize(int maxBatchSize)
    {
        if (maxBatchSize < 1)
            throw new ArgumentException($"--max-batch-size must be at least 1, got {maxBatchSize} (Triton reads 0 as a model that does not batch; these models batch on their first axis).");
    }

    /// <summary>The protobuf text format Triton reads.</summary>
    public string ToText()
    {
        var s = new StringBuilder();
        s.Append($"name: \"{Name}\"\n");
        s.Append($"platform: \"{Platform}\"\n");
        s.Append($"max_batch_size: {MaxBatchSize.ToString(CultureInfo.InvariantCulture)}\n");
        Tensors(s, "input", Inputs);
        Tensors(s, "output", Outputs);
        s.Append($"dynamic_batching {{\n  max_queue_delay_microseconds: {MaxQueueDelayMicroseconds.ToString(CultureInfo.InvariantCulture)}\n}}\n");
        return s.ToString();
    }

    private static void Tensors(StringBuilder s, string field, IReadOnlyList<TritonTensor> tensors)
    {
        s.Append($"{field} [\n");
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            s.Append($"  {{\n    name: \"{t.Name}\"\n    data_type: {t.DataType}\n    dims: [ {string.Join(", ", t.Dims.Select(d => d.ToString(CultureInfo.InvariantCulture)))} ]\n");
            if (t.Reshape) s.Append("    reshape: { shape: [ ] }\n");
            s.Append(i + 1 < tensors.Count ? "  },\n" : "  }\n");
        }
        s.Append("]\n");
    }

    private static TritonTensor Tensor(ValueInfoProto value, string role)
    {
        if (value.Type?.TensorType is not { } tensor)
            throw new InvalidDataException($"The ONNX {role} '{value.Name}' is not a tensor; Triton's onnxruntime backend feeds tensors.");
        var dims = tensor.Shape?.Dim ?? throw new InvalidDataException($"The ONNX {role} '{value.Name}' has no shape; Triton needs its dims.");
        if (dims.Count == 0 || dims[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dims[0].DimValue > 0)
            throw new InvalidDataException(
                $"The ONNX {role} '{value.Name}' has shape [{string.Join(", ", dims.Select(Text))}] with no batch axis first; Triton's max_batch_size needs one.");
        var perExample = dims.Skip(1).Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue > 0 ? d.DimValue : -1L).ToArray();
        var type = DataType((TensorProto.Types.DataType)tensor.ElemType, value.Name, role);
        return perExample.Length == 0 ? new TritonTensor(value.Name, type, [1], Reshape: true) : new TritonTensor(value.Name, type, perExample);
    }

    private static string Text(TensorShapeProto.Types.Dimension d) =>
        d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue.ToString(CultureInfo.InvariantCulture) : d.DimParam is { Length: > 0 } p ? p : "?";

    // Triton's names for ONNX's element types (model_config.proto's DataType).
    private static string DataType(TensorProto.Types.DataType type, string name, string role) => type switch
    {
        TensorProto.Types.DataType.Float => "TYPE_FP32",
        TensorProto.Types.DataType.Double => "TYPE_FP64",
        TensorProto.Types.DataType.Float16 => "TYPE_FP16",
        TensorProto.Types.DataType.Bfloat16 => "TYPE_BF16",
        TensorProto.Types.DataType.Int8 => "TYPE_INT8",
        TensorProto.Types.DataType.Int16 => "TYPE_INT16",
        TensorProto.Types.DataType.Int32 => "TYPE_INT32",
        TensorProto.Types.DataType.Int64 => "TYPE_INT64",
        TensorProto.Types.DataType.Uint8 => "TYPE_UINT8",
        TensorProto.Types.DataType.Uint16 => "TYPE_UINT16",
        TensorProto.Types.DataType.Uint32 => "TYPE_UINT32",
        TensorProto.Types.DataType.Uint64 => "TYPE_UINT64",
        TensorProto.Types.DataType.Bool => "TYPE_BOOL",
        TensorProto.Types.DataType.String => "TYPE_STRING",
        _ => throw new InvalidDataException($"The ONNX {role} '{name}' holds {type}, which Triton has no data type for."),
    };
}
