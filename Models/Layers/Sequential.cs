using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>Layers applied one after another; backward runs them in reverse (the chain rule, layer by layer).</summary>
[LayerKind("sequential")]
public sealed class Sequential : Layer
{
    private readonly Layer[] _layers;

    public Sequential(params Layer[] layers) => _layers = layers;

    public Sequential(IEnumerable<Layer> layers) => _layers = layers.ToArray();

    public Sequential(LayerSpec spec) => _layers = spec.Children.Select(LayerRegistry.Build).ToArray();

    public override IReadOnlyList<Layer> Children => _layers;

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
        foreach (var layer in _layers) x = layer.Forward(x, training);
        return x;
    }

    public override Tensor Backward(Tensor dy)
    {
        for (int i = _layers.Length - 1; i >= 0; i--) dy = _layers[i].Backward(dy);
        return dy;
    }
}
