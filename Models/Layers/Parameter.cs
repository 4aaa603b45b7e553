using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>A trainable tensor and the gradient that backward passes accumulate into it.</summary>
/// <param name="name">Name within its layer ("weight", "bias", "gamma"...), used in checkpoints and exports.</param>
/// <param name="decays">True for weights that L1/L2 regularisation shrinks; biases and norm scales do not decay (Nielsen ch. 3).</param>
public sealed class Parameter(string name, Tensor value, bool decays)
{
    public string Name { get; } = name;
    public Tensor Value { get; } = value;
    public Tensor Gradient { get; } = new(value.ShapeArray());
    public bool Decays { get; } = decays;

    /// <summary>∂C/∂θ = 0. A large gradient's chunks are cleared on both cores (memory-bound: pix2pix's U-Net at ngf 64 has
    /// 117 MB of them, cleared every step).</summary>
    public void ZeroGradient() => Elementwise.For(Gradient.Length, Gradient, static (g, start, count) => g.Span.Slice(start, count).Clear());

    public override string ToString() => $"{Name}{Tensor.ShapeText(Value.Shape)}";
}
