using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>A layer that can run the activation after it in its own last sweep: forward z = f(x) then a = σ(z), backward
/// δ_z = δ_a ⊙ σ'(z) then the layer's own backward pass, each piece while it is in cache. Batch norms
/// (<see cref="Conv.BatchNorm2d"/>, <see cref="BatchNorm1d"/>) and a residual block's junction (<see cref="Conv.Residual"/>)
/// take it.</summary>
/// <remarks>Why: in DCGAN and PatchGAN every batch norm is followed by a (leaky) ReLU, in a ResNet every block by a ReLU; run
/// as two layers, the activation reads and writes the whole tensor again in a parallel region of its own. The fused sweep
/// makes the same kernel calls on the same values in the same order, so its results are the two layers' bits
/// (<see cref="Sequential"/> chooses it).</remarks>
public interface IFusesActivation
{
    /// <summary>Whether this layer takes the activation after it now (always, but where a switch keeps the earlier route for
    /// A/B timing: <see cref="Conv.Residual.FusesActivation"/>).</summary>
    bool TakesActivation => true;

    /// <summary>The layer's forward pass, then a = σ(z) into <paramref name="then"/>'s buffer; returns a.</summary>
    Tensor Forward(Tensor x, bool training, IFusibleActivation then);

    /// <summary>∂C/∂a → ∂C/∂z (into <paramref name="then"/>'s buffer) → ∂C/∂x, with the layer's parameter gradients;
    /// returns ∂C/∂x.</summary>
    Tensor Backward(Tensor outputGradient, IFusibleActivation then);
}
