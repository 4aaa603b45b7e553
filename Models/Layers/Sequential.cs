using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>Layers applied one after another; backward runs them in reverse (the chain rule, layer by layer).</summary>
/// <remarks>A layer followed by an activation it can fuse (<see cref="IFusesActivation"/>, <see cref="IFusibleActivation"/>:
/// a batch norm or a residual junction, then a ReLU) runs as one sweep over the data, with the same bits as the two layers
/// run one after the other; both stay separate layers in the spec, the parameters and the export.</remarks>
[LayerKind("sequential")]
public sealed class Sequential : Layer, IAddsInputGradient
{
    private readonly Layer[] _layers;
    // 1 while a public Forward or Backward runs: a second call meanwhile comes from another thread (see Layer's remarks).
    private int _running;

    public Sequential(params Layer[] layers) => _layers = layers;

    public Sequential(IEnumerable<Layer> layers) => _layers = layers.ToArray();

    public Sequential(LayerSpec spec) => _layers = spec.Children.Select(LayerRegistry.Build).ToArray();

    public override IReadOnlyList<Layer> Children => _layers;

    /// <summary>Whether batch norms and residual junctions run fused with the activation after them (default); off, every
    /// layer runs alone. Both give the same bits; the switch is for the tests that show it and for <c>race gan --ab
    /// fusion</c>.</summary>
    public static bool FusesActivation { get; set; } = true;

    /// <summary>The layer at <paramref name="i"/> and the activation after it, when they run as one sweep.</summary>
    private bool Fused(int i, out IFusesActivation layer, out IFusibleActivation activation)
    {
        layer = null!; activation = null!;
        return FusesActivation && i + 1 < _layers.Length
            && _layers[i] is IFusesActivation { TakesActivation: true } n && _layers[i + 1] is IFusibleActivation a
            && (layer = n) is not null && (activation = a) is not null;
    }

    /// <summary>Whether <see cref="Backward(Tensor, IFusibleActivation)"/> can hand an activation that follows this whole
    /// sequence to its last layer.</summary>
    internal bool LastTakesActivation => FusesActivation && _layers.Length > 0 && _layers[^1] is IFusesActivation { TakesActivation: true };

    /// <summary>Backward through a = σ(z) with z this sequence's output, σ's derivative taken by the last layer in its own
    /// sweep (<see cref="LastTakesActivation"/>): ∂C/∂z lands in <paramref name="after"/>'s buffer, as its own backward
    /// pass would leave it. Only for an activation whose derivative reads a alone (the ReLU), since the last layer's
    /// output need not be σ's input (a residual junction adds the shortcut first).</summary>
    internal Tensor Backward(Tensor dy, IFusibleActivation after) => BackwardTaking(dy, after, stopAt: 0);

    /// <summary>The last layer's backward pass with <paramref name="after"/>'s derivative taken in, then the layers before
    /// it down to <paramref name="stopAt"/>.</summary>
    private Tensor BackwardTaking(Tensor dy, IFusibleActivation after, int stopAt)
    {
        if (!LastTakesActivation || !after.Kernel.IsRectifier)
            throw new InvalidOperationException("Sequential.Backward(δ, σ): the last layer cannot take σ's derivative (it takes a ReLU's only, after a layer that fuses activations).");
        return BackwardFrom(_layers.Length - 2, ((IFusesActivation)_layers[^1]).Backward(dy, after), stopAt);
    }

    public override LayerSpec Spec => new LayerSpec("sequential").WithChildren(_layers.Select(l => l.Spec));

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        int[] shape = inputShape.ToArray();
        for (int i = 0; i < _layers.Length; i++)
        {
            try { shape = _layers[i].OutputShape(shape); }
            catch (ArgumentException e) { throw new ArgumentException($"Layer {i} ({_layers[i].Spec.Kind}): {e.Message}", e); }
        }
        return shape;
    }

    public override Tensor Forward(Tensor x, bool training)
    {
        Enter(nameof(Forward));
        try { return ForwardFrom(0, x, training); }
        finally { Volatile.Write(ref _running, 0); }
    }

    /// <summary>Refuses a call that overlaps another on this network: its layers would overwrite each other's buffers and
    /// both callers would read wrong numbers, without an error (audit O2).</summary>
    private void Enter(string pass)
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
            throw new InvalidOperationException($"Sequential.{pass} was called while another Forward or Backward of this network was running: " +
                                                "a network reuses its buffers from call to call, so it serves one thread at a time. Give each thread its own " +
                                                "network, or export it and score through OnnxScorer, which is thread-safe.");
    }

    /// <summary>Layers <paramref name="first"/> … on; the ones before have run elsewhere (a U-Net level's first
    /// activation, fused into the concatenation that feeds it: <see cref="Conv.UNetSkipBlock"/>).</summary>
    internal Tensor ForwardFrom(int first, Tensor x, bool training)
    {
        for (int i = first; i < _layers.Length; i++)
            if (Fused(i, out var layer, out var activation)) { x = layer.Forward(x, training, activation); i++; }
            else x = _layers[i].Forward(x, training);
        return x;
    }

    public override Tensor Backward(Tensor dy)
    {
        Enter(nameof(Backward));
        try { return BackwardFrom(_layers.Length - 1, dy); }
        finally { Volatile.Write(ref _running, 0); }
    }

    bool IAddsInputGradient.AddsInputGradient => _layers.Length > 0 && _layers[0] is IAddsInputGradient { AddsInputGradient: true };

    /// <summary>Backward with the first layer's ∂C/∂x added onto <paramref name="sum"/>.</summary>
    void IAddsInputGradient.BackwardAdding(Tensor dy, Tensor sum)
    {
        if (_layers.Length == 0 || _layers[0] is not IAddsInputGradient first)
            throw new InvalidOperationException("Sequential.BackwardAdding: the first layer cannot add its ∂C/∂x onto another tensor.");
        first.BackwardAdding(BackwardFrom(_layers.Length - 1, dy, stopAt: 1), sum);
    }

    /// <summary><see cref="Backward(Tensor, IFusibleActivation)"/> with the first layer's ∂C/∂x added onto
    /// <paramref name="sum"/> (<see cref="IAddsInputGradient"/>): a residual block's body whose ∂C/∂x joins δ itself.</summary>
    internal void BackwardAdding(Tensor dy, IFusibleActivation after, Tensor sum)
    {
        if (_layers.Length < 2 || _layers[0] is not IAddsInputGradient { AddsInputGradient: true } first)
            throw new InvalidOperationException("Sequential.BackwardAdding(δ, σ, sum): needs a first layer that adds its ∂C/∂x, and another after it.");
        first.BackwardAdding(BackwardTaking(dy, after, stopAt: 1), sum);
    }

    /// <summary>Layers <paramref name="last"/> … <paramref name="stopAt"/>; the ones after have run.</summary>
    private Tensor BackwardFrom(int last, Tensor dy, int stopAt = 0)
    {
        for (int i = last; i >= stopAt; i--)
            if (i > stopAt && Fused(i - 1, out var layer, out var activation)) { dy = layer.Backward(dy, activation); i--; }
            else dy = _layers[i].Backward(dy);
        return dy;
    }
}
