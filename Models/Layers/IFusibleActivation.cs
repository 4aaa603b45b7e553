using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>An elementwise activation a = σ(z) that the batch norm just before it can apply inside its own sweep
/// (<see cref="INormalizationWithActivation"/>), one pass over the data instead of two.</summary>
/// <remarks>The batch norm fills this layer's buffers exactly as its own <c>Forward</c> would, so the layer stays a layer:
/// its <c>Backward</c>, export and parameters (none) do not change, and nothing is saved differently.</remarks>
public interface IFusibleActivation
{
    /// <summary>σ and σ' as the batch norm's kernel applies them.</summary>
    PlaneActivation Kernel { get; }

    /// <summary>Remembers z as this layer's input and returns the buffer for a = σ(z), shaped like z.</summary>
    Tensor OutputFor(Tensor z);

    /// <summary>Checks ∂C/∂a against the last forward pass and returns a = σ(z) and the buffer for ∂C/∂z.</summary>
    (Tensor Output, Tensor InputGradient) GradientBuffers(Tensor outputGradient);

    /// <summary>The activation's own backward pass, for a batch norm that does not take it into its sweep.</summary>
    Tensor Backward(Tensor outputGradient);
}
