using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Losses;

/// <summary>A cost C over a mini-batch and its gradient ∂C/∂(network output): the ∇ₐC of BP1, δᴸ = ∇ₐC ⊙ σ'(zᴸ), that starts
/// backpropagation. The fused costs (cross-entropy, log-likelihood) take logits and return δᴸ itself, σ'(zᴸ) already cancelled.</summary>
/// <remarks>
/// C is the mean over the batch of the per-example cost Cₓ (Nielsen's C = (1/n) Σₓ Cₓ), so the gradient of each example
/// is ∂Cₓ/∂a divided by the batch size, and SGD with learning rate η is exactly Nielsen's w → w − (η/m) Σₓ ∇Cₓ.
/// Targets are given per output unit (one-hot rows for classification).
/// A batch-level cost, whose value is not a mean of per-example terms (the maximum mean discrepancy between a batch of
/// generated and a batch of real samples, which may hold a different number of rows), overrides <see cref="Compute"/>
/// whole instead of <see cref="Example"/>.
/// </remarks>
public abstract class Loss
{
    /// <summary>The name used on the command line and in checkpoints.</summary>
    public abstract string Name { get; }

    /// <summary>What the network's raw output is turned into to read it as probabilities: none (it already is,
    /// e.g. a sigmoid layer), sigmoid or softmax (the loss takes logits and applies it itself).</summary>
    public abstract OutputActivation OutputActivation { get; }

    /// <summary>Returns the mean cost; when <paramref name="gradient"/> is given, writes ∂C/∂output into it (same shape as output).</summary>
    public virtual double Compute(Tensor output, Tensor target, Tensor? gradient)
    {
        if (output.Length != target.Length || output.Rank == 0)
            throw new ArgumentException($"{Name} cost: output {Tensor.ShapeText(output.Shape)} and target {Tensor.ShapeText(target.Shape)} differ.");
        if (gradient is not null && gradient.Length != output.Length)
            throw new ArgumentException($"{Name} cost: gradient {Tensor.ShapeText(gradient.Shape)} does not match output {Tensor.ShapeText(output.Shape)}.");
        int n = output.Dim(0), k = output.ItemLength;
        double total = 0;
        float scale = 1f / n;
        for (int i = 0; i < n; i++)
        {
            var g = gradient is null ? Span<float>.Empty : gradient.Span.Slice(i * k, k);
            total += Example(output.Span.Slice(i * k, k), target.Span.Slice(i * k, k), g, scale);
        }
        return total / n;
    }

    /// <summary>One example's cost Cₓ; writes scale·∂Cₓ/∂a into <paramref name="gradient"/> unless it is empty.</summary>
    /// <remarks>Every per-example cost overrides this; only a batch-level cost, which overrides <see cref="Compute"/>, has none.</remarks>
    protected virtual double Example(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> gradient, float scale) =>
        throw new NotSupportedException($"The {Name} cost has no per-example term: it overrides Compute.");

    /// <summary>Turns one example's raw outputs into the scores the network's answer is read from (argmax is unchanged).</summary>
    public virtual void Activate(ReadOnlySpan<float> output, Span<float> scores) => output.CopyTo(scores);
}
