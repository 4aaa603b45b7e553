using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>A batch norm that can run the activation after it in the same sweep: forward y = γ·x̂ + β then a = σ(y),
/// backward δ_y = δ_a ⊙ σ'(y) then the batch norm's sums and ∂C/∂x, each plane while it is in cache.</summary>
/// <remarks>Why: in DCGAN and PatchGAN every batch norm is followed by a (leaky) ReLU; run as two layers, the activation
/// reads and writes the whole tensor again in a parallel region of its own. The fused sweep makes the same kernel calls
/// on the same values in the same order, so its results are the two layers' bits (<see cref="Sequential"/> chooses it).</remarks>
public interface INormalizationWithActivation
{
    /// <summary>The batch norm's forward pass, then a = σ(y) into <paramref name="then"/>'s buffer; returns a.</summary>
    Tensor Forward(Tensor x, bool training, IFusibleActivation then);

    /// <summary>∂C/∂a → ∂C/∂y (into <paramref name="then"/>'s buffer) → ∂C/∂x, with the batch norm's ∂C/∂γ and ∂C/∂β; returns ∂C/∂x.</summary>
    Tensor Backward(Tensor outputGradient, IFusibleActivation then);
}
