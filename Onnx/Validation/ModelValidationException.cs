namespace NeuralPipelines.Onnx.Validation;

/// <summary>A saved model fell short of what a test asked of it; the message says by how much, on what data.</summary>
public sealed class ModelValidationException(string message) : Exception(message);
