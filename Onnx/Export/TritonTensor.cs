namespace NeuralPipelines.Onnx.Export;

/// <summary>One input or output of a Triton model configuration: its name, Triton data type (TYPE_FP32...) and dims
/// without the batch axis (-1 for a size fixed only at run time).</summary>
/// <param name="Reshape">The ONNX tensor has no axis besides the batch one ([batch]); Triton needs at least one dim, so
/// the config says dims [1] and reshapes to [], which Triton documents for exactly this case.</param>
public sealed record TritonTensor(string Name, string DataType, long[] Dims, bool Reshape = false);
