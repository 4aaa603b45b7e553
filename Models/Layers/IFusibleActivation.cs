using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>An elementwise activation a = σ(z) that the layer just before it (a batch norm, a residual junction) can apply
/// inside its own sweep (<see cref="IFusesActivation"/>), one pass over the data instead of two.</summary>
/// <remarks>That layer fills this layer's buffers exactly as its own <c>Forward</c> would, so the layer stays a layer:
/// its <c>Backward</c>, export and parameters (none) do not change, and nothing is saved differently.</remarks>
public interface IFusibleActivation
{
    /// <summary>σ and σ' as the fusing layer's kernel applies them.</summary>
    PlaneActivation Kernel { get; }

    /// <summary>Remembers z as this layer's input and returns the buffer for a = σ(z), shaped like z.</summary>
    Tensor OutputFor(Tensor z);

    /// <summary>Checks ∂C/∂a against the last forward pass and returns a = σ(z) and the buffer for ∂C/∂z.</summary>
    (Tensor Output, Tensor InputGradient) GradientBuffers(Tensor outputGradient);

    /// <summary>The activation's own backward pass, for a layer that does not take it into its sweep.</summary>
    Tensor Backward(Tensor outputGradient);
}
