namespace NeuralPipelines.Onnx.MlNet;

/// <summary>The column names the ML.NET face of an exported model reads and writes.</summary>
public static class OnnxModelColumns
{
    /// <summary>The class probabilities, a vector of float with one entry per class (ML.NET's usual name for a score).</summary>
    public const string Score = "Score";

    /// <summary>The 0-based index of the most probable class (a one-element vector of Int64).</summary>
    public const string PredictedClass = "PredictedClass";
}
