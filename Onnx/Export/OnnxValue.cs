namespace NeuralPipelines.Onnx.Export;

/// <summary>A tensor flowing through the graph being built: its ONNX name and its per-example shape (batch axis excluded).</summary>
public readonly record struct OnnxValue(string Name, int[] Shape)
{
    public int Rank => Shape.Length;
}
