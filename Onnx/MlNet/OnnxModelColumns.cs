namespace NeuralPipelines.Onnx.MlNet;

/// <summary>The column names the ML.NET face of an exported classifier writes: ML.NET's own, so its multiclass evaluator
/// and its key-to-value mapping read them unchanged.</summary>
public static class OnnxModelColumns
{
    /// <summary>The class probabilities: a vector of Single with one slot per class, in class-label order.</summary>
    public const string Score = "Score";

    /// <summary>The most probable class as a key (1-based, 0 = missing) whose key values are the class labels:
    /// <c>MapKeyToValue</c> gives the label text.</summary>
    public const string PredictedLabel = "PredictedLabel";
}
