using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>A differentiable building block: forward, backward and the parameters it owns.</summary>
/// <remarks>
/// Tensors are batched: axis 0 is the mini-batch. <see cref="Forward"/> keeps what <see cref="Backward"/> needs;
/// <see cref="Backward"/> takes ∂C/∂output, adds ∂C/∂θ into each <see cref="Parameter.Gradient"/> and returns ∂C/∂input.
/// Returned tensors are owned by the layer and reused on the next call: copy them if you need them longer.
/// <para>Not thread-safe, for inference too: every call writes the layer's own buffers, so two threads predicting with one
/// network read each other's numbers. Use one network per thread, or export it (NeuralPipelines.Onnx) and score through
/// <c>OnnxScorer</c>, which any number of threads may share. A <see cref="Sequential"/> refuses a call that overlaps another
/// with <see cref="InvalidOperationException"/>; a caller still reading an output after another thread's call has returned
/// is not detected.</para>
/// </remarks>
public abstract class Layer
{
    public abstract Tensor Forward(Tensor x, bool training);

    public abstract Tensor Backward(Tensor dy);

    /// <summary>
    /// False while the layer serves as a fixed function (a GAN's discriminator in the generator's half of the step):
    /// <see cref="Backward"/> then returns ∂C/∂input only and leaves every <see cref="Parameter.Gradient"/> of this layer
    /// untouched, skipping the products only they need (∂C/∂w = δ·aᵀ, a third of a convolution's backward work).
    /// ∂C/∂input is the same bits either way. Not saved with the layer: it is a property of the step, not of the model.
    /// </summary>
    public bool ParameterGradients { get; set; } = true;

    /// <summary>Sets <see cref="ParameterGradients"/> on this layer and all its descendants.</summary>
    public void SetParameterGradients(bool wanted)
    {
        ParameterGradients = wanted;
        var children = Children; // indexed: a foreach over the interface would allocate an enumerator every step
        for (int i = 0; i < children.Count; i++) children[i].SetParameterGradients(wanted);
    }

    /// <summary>This layer's own trainable parameters (not its children's).</summary>
    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <summary>State that is saved with the weights but not trained (batch-norm running statistics).</summary>
    public virtual IReadOnlyList<Tensor> Buffers => [];

    /// <summary>Sub-layers of a composite (Sequential, Residual, Branches).</summary>
    public virtual IReadOnlyList<Layer> Children => [];

    /// <summary>The per-example output shape for a per-example input shape (the batch axis excluded).</summary>
    /// <exception cref="ArgumentException">The input shape does not fit this layer; the message names both shapes.</exception>
    public abstract int[] OutputShape(ReadOnlySpan<int> inputShape);

    /// <summary>What it takes to rebuild this layer (without its weights): kind, arguments and children.</summary>
    public abstract LayerSpec Spec { get; }

    /// <summary>Every parameter of this layer and its descendants, in a fixed depth-first order.</summary>
    public IEnumerable<Parameter> AllParameters()
    {
        foreach (var p in Parameters) yield return p;
        foreach (var c in Children)
            foreach (var p in c.AllParameters()) yield return p;
    }

    /// <summary>Every buffer of this layer and its descendants, in a fixed depth-first order.</summary>
    public IEnumerable<Tensor> AllBuffers()
    {
        foreach (var b in Buffers) yield return b;
        foreach (var c in Children)
            foreach (var b in c.AllBuffers()) yield return b;
    }

    public long ParameterCount() => AllParameters().Sum(p => (long)p.Value.Length);

    public void ZeroGradients()
    {
        foreach (var p in AllParameters()) p.ZeroGradient();
    }

    public override string ToString() => Spec.ToString();

    /// <summary>Fails, naming both shapes, when ∂C/∂output does not have one value per output of the last forward pass.</summary>
    /// <remarks>Backward's kernels index by the forward pass's sizes, so a wrong-sized gradient would otherwise read past
    /// its end or silently train on the wrong numbers.</remarks>
    protected void CheckGradient(Tensor dy, Tensor output)
    {
        if (dy.Length != output.Length)
            throw new ArgumentException($"{GetType().Name}.Backward got a gradient of shape {Tensor.ShapeText(dy.Shape)} for an output of shape {Tensor.ShapeText(output.Shape)}.");
    }
}
