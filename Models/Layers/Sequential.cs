using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>Layers applied one after another; backward runs them in reverse (the chain rule, layer by layer).</summary>
/// <remarks>A batch norm followed by an activation it can fuse (<see cref="INormalizationWithActivation"/>,
/// <see cref="IFusibleActivation"/>) runs as one sweep over the data, with the same bits as the two layers run one after
/// the other; both stay separate layers in the spec, the parameters and the export.</remarks>
[LayerKind("sequential")]
public sealed class Sequential : Layer
{
    private readonly Layer[] _layers;

    public Sequential(params Layer[] layers) => _layers = layers;

    public Sequential(IEnumerable<Layer> layers) => _layers = layers.ToArray();

    public Sequential(LayerSpec spec) => _layers = spec.Children.Select(LayerRegistry.Build).ToArray();

    public override IReadOnlyList<Layer> Children => _layers;

    /// <summary>Whether batch norms run fused with the activation after them (default); off, every layer runs alone.
    /// Both give the same bits; the switch is for the tests that show it and for <c>race gan --ab fusion</c>.</summary>
    public static bool FusesBatchNormActivation { get; set; } = true;

    /// <summary>The batch norm at <paramref name="i"/> and the activation after it, when they run as one sweep.</summary>
    private bool Fused(int i, out INormalizationWithActivation normalization, out IFusibleActivation activation)
    {
        normalization = null!; activation = null!;
        return FusesBatchNormActivation && i + 1 < _layers.Length
            && _layers[i] is INormalizationWithActivation n && _layers[i + 1] is IFusibleActivation a
            && (normalization = n) is not null && (activation = a) is not null;
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

    public override Tensor Forward(Tensor x, bool training) => ForwardFrom(0, x, training);

    /// <summary>Layers <paramref name="first"/> … on; the ones before have run elsewhere (a U-Net level's first
    /// activation, fused into the concatenation that feeds it: <see cref="Conv.UNetSkipBlock"/>).</summary>
    internal Tensor ForwardFrom(int first, Tensor x, bool training)
    {
        for (int i = first; i < _layers.Length; i++)
            if (Fused(i, out var normalization, out var activation)) { x = normalization.Forward(x, training, activation); i++; }
            else x = _layers[i].Forward(x, training);
        return x;
    }

    public override Tensor Backward(Tensor dy)
    {
        for (int i = _layers.Length - 1; i >= 0; i--)
            if (i > 0 && Fused(i - 1, out var normalization, out var activation)) { dy = normalization.Backward(dy, activation); i--; }
            else dy = _layers[i].Backward(dy);
        return dy;
    }
}
