using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>A skip connection (He et al. 2016): y = F(x) + shortcut(x), the shortcut being x itself or a projection.</summary>
/// <remarks>
/// A projection (usually a strided 1×1 convolution, perhaps with batch-norm) is needed when F changes the channel count
/// or the size. Backward: δ flows into both paths unchanged (∂y/∂F = ∂y/∂shortcut = 1), and the two ∂C/∂x add up,
/// which is why deep residual networks keep a usable gradient. The activation after the sum belongs to the caller.
/// </remarks>
[LayerKind("residual")]
public sealed class Residual : Layer
{
    private readonly Layer _body;
    private readonly Layer? _shortcut;
    private Tensor? _output, _inputGradient;

    public Residual(Layer body, Layer? shortcut = null)
    {
        _body = body;
        _shortcut = shortcut;
    }

    public Residual(LayerSpec spec)
    {
        if (spec.Children.Count is < 1 or > 2)
            throw new FormatException($"Layer 'residual' needs one child (the body) and optionally a second (the shortcut), got {spec.Children.Count}.");
        _body = LayerRegistry.Build(spec.Children[0]);
        _shortcut = spec.Children.Count == 2 ? LayerRegistry.Build(spec.Children[1]) : null;
    }

    public Layer Body => _body;

    /// <summary>The projection, or null for the identity shortcut.</summary>
    public Layer? Shortcut => _shortcut;

    public override IReadOnlyList<Layer> Children => _shortcut is null ? [_body] : [_body, _shortcut];

    public override LayerSpec Spec => new LayerSpec("residual").WithChildren(Children.Select(c => c.Spec));

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        int[] body = _body.OutputShape(inputShape);
        int[] skip = _shortcut?.OutputShape(inputShape) ?? inputShape.ToArray();
        if (!body.AsSpan().SequenceEqual(skip))
            throw new ArgumentException($"Residual: the body gives {Tensor.ShapeText(body)} but the shortcut gives {Tensor.ShapeText(skip)} for input {Tensor.ShapeText(inputShape)}; add a projection shortcut.");
        return body;
    }

    public override Tensor Forward(Tensor x, bool training)
    {
        var f = _body.Forward(x, training);
        var s = _shortcut?.Forward(x, training) ?? x;
        if (!f.ShapeEquals(s.Shape))
            throw new ArgumentException($"Residual: the body gives {Tensor.ShapeText(f.Shape)} but the shortcut gives {Tensor.ShapeText(s.Shape)}; add a projection shortcut.");
        var y = Tensor.Ensure(ref _output, f.Shape);
        Elementwise.For(y.Length, (f, s, y), static (t, at, n) => TensorPrimitives.Add(t.f.Span.Slice(at, n), t.s.Span.Slice(at, n), t.y.Span.Slice(at, n)));
        return y;
    }

    public override Tensor Backward(Tensor dy)
    {
        if (_output is null) throw new InvalidOperationException("Residual.Backward called before Forward.");
        var dBody = _body.Backward(dy);
        // The identity's Jacobian is I, so its share of ∂C/∂x is δ itself.
        var dSkip = _shortcut?.Backward(dy) ?? dy;
        // The sum goes into the body's ∂C/∂x, which nothing reads after this (a fresh buffer would cost a third stream),
        // unless the body handed back δ itself (or the shortcut's buffer), which must stay as it was.
        var dx = ReferenceEquals(dBody, dy) || ReferenceEquals(dBody, dSkip) ? Tensor.Ensure(ref _inputGradient, dBody.Shape) : dBody;
        Elementwise.For(dx.Length, (dBody, dSkip, dx), static (t, at, n) => TensorPrimitives.Add(t.dBody.Span.Slice(at, n), t.dSkip.Span.Slice(at, n), t.dx.Span.Slice(at, n)));
        return dx;
    }
}
