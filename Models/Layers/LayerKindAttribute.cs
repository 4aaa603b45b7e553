namespace NeuralPipelines.Models.Layers;

/// <summary>Names a layer type in checkpoints. The type must have a public constructor taking a <see cref="LayerSpec"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LayerKindAttribute(string kind) : Attribute
{
    public string Kind { get; } = kind;
}
