namespace NeuralPipelines.Onnx.Batch;

/// <summary>An input item that could not be scored: its row index, its name (the image's path relative to the folder)
/// and the one-line reason (which names the file).</summary>
public sealed record RowError(long Row, string Item, string Error);
