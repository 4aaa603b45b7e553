using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>A layer whose backward pass can add its ∂C/∂x onto another tensor instead of handing back its own: a residual
/// block's projection shortcut adds onto the body's ∂C/∂x (<see cref="Conv.Residual"/>), and a strided 1×1 convolution
/// then touches only the pixels it read.</summary>
internal interface IAddsInputGradient
{
    /// <summary>Whether <see cref="BackwardAdding"/> applies now.</summary>
    bool AddsInputGradient { get; }

    /// <summary>The layer's backward pass from δ = <paramref name="dy"/> (parameter gradients as usual), with
    /// <paramref name="sum"/> += ∂C/∂x.</summary>
    void BackwardAdding(Tensor dy, Tensor sum);
}
