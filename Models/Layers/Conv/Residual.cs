using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>A skip connection (He et al. 2016): y = F(x) + shortcut(x), the shortcut being x itself or a projection.</summary>
/// <remarks>
/// A projection (usually a strided 1×1 convolution, perhaps with batch-norm) is needed when F changes the channel count
/// or the size. Backward: δ flows into both paths unchanged (∂y/∂F = ∂y/∂shortcut = 1), and the two ∂C/∂x add up,
/// which is why deep residual networks keep a usable gradient. The activation after the sum belongs to the caller; a
/// <see cref="Sequential"/> runs it inside the junction's own pass (<see cref="IFusesActivation"/>).
/// </remarks>
[LayerKind("residual")]
public sealed class Residual : Layer, IFusesActivation
{
    private readonly Layer _body;
    private readonly Layer? _shortcut;
    private Tensor? _output, _inputGradient;
    // Whether a forward pass has run (after a ReLU the sum itself is not stored).
    private bool _ran;

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

    /// <summary>Whether blocks run the activation after them inside the junction's pass (default); off, as two layers.
    /// Both give the same bits; the switch is for <c>race-cnn resnet --ab junction</c>.</summary>
    public static bool FusesActivation { get; set; } = true;

    bool IFusesActivation.TakesActivation => FusesActivation;

    /// <summary>Whether the two shares of ∂C/∂x meet without a pass of their own (default): a projection shortcut adds its
    /// ∂C/∂x onto the body's, and after a ReLU taken into the block the body adds its ∂C/∂x onto δ, the identity's share.
    /// Off, each writes its own and the junction adds the two. The same sums; the switch is for the tests and for
    /// <c>race-cnn resnet --ab join-in-place</c>.</summary>
    public static bool JoinsInPlace { get; set; } = true;

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
        var (f, s) = Branches(x, training);
        var y = Tensor.Ensure(ref _output, f.Shape);
        Elementwise.For(y.Length, (f, s, y), static (t, at, n) => TensorPrimitives.Add(t.f.Span.Slice(at, n), t.s.Span.Slice(at, n), t.y.Span.Slice(at, n)));
        _ran = true;
        return y;
    }

    /// <summary>y = F(x) + shortcut(x) and a = σ(y) in one pass (<see cref="ResidualJunction"/>); after a ReLU, whose
    /// derivative reads a alone, y is not stored at all.</summary>
    public Tensor Forward(Tensor x, bool training, IFusibleActivation then)
    {
        var (f, s) = Branches(x, training);
        Tensor? y = null;
        var a = then is ReLU relu ? relu.OutputFor(f.Shape) : then.OutputFor(y = Tensor.Ensure(ref _output, f.Shape));
        Elementwise.For(a.Length, (f, s, y, a, then.Kernel), static (t, at, n) =>
            ResidualJunction.Forward(t.f.Span.Slice(at, n), t.s.Span.Slice(at, n), t.Kernel, t.y is null ? [] : t.y.Span.Slice(at, n), t.a.Span.Slice(at, n)));
        _ran = true;
        return a;
    }

    private (Tensor Body, Tensor Shortcut) Branches(Tensor x, bool training)
    {
        var f = _body.Forward(x, training);
        var s = _shortcut?.Forward(x, training) ?? x;
        if (!f.ShapeEquals(s.Shape))
            throw new ArgumentException($"Residual: the body gives {Tensor.ShapeText(f.Shape)} but the shortcut gives {Tensor.ShapeText(s.Shape)}; add a projection shortcut.");
        return (f, s);
    }

    public override Tensor Backward(Tensor dy)
    {
        if (!_ran) throw new InvalidOperationException("Residual.Backward called before Forward.");
        return Join(dy, _body.Backward(dy));
    }

    /// <summary>Backward through a = σ(y) and the block. After a ReLU, a body that ends in a layer taking activations (a
    /// batch norm) forms δ_y = δ_a ⊙ [a &gt; 0] in its own sweep, and the shortcut reads that δ_y from the ReLU's buffer:
    /// the mask's pass over the block's output is gone. Otherwise the activation's own backward pass, then the block's.</summary>
    public Tensor Backward(Tensor outputGradient, IFusibleActivation then)
    {
        if (!_ran) throw new InvalidOperationException("Residual.Backward called before Forward.");
        if (!(then.Kernel.IsRectifier && _body is Sequential { LastTakesActivation: true } body))
            return Backward(then.Backward(outputGradient));
        var dz = then.GradientBuffers(outputGradient).InputGradient;
        // With the identity the block's ∂C/∂x is δ_z + the body's: the body's first layer adds its share onto δ_z (which
        // the ReLU's buffer holds for this block alone, and which nothing reads after the body's last layer), so the two
        // never meet in a pass of their own.
        if (JoinsInPlace && _shortcut is null && body.Children.Count > 1 && ((IAddsInputGradient)body).AddsInputGradient)
        {
            body.BackwardAdding(outputGradient, then, dz);
            return dz;
        }
        return Join(dz, body.Backward(outputGradient, then));
    }

    /// <summary>∂C/∂x = the body's ∂C/∂x + the shortcut's, both from δ = <paramref name="dy"/>.</summary>
    private Tensor Join(Tensor dy, Tensor dBody)
    {
        // A projection that can add its ∂C/∂x onto the body's does (a strided 1×1 convolution touches only the pixels it
        // read), unless the body handed back δ itself, which the projection still reads.
        if (JoinsInPlace && _shortcut is IAddsInputGradient { AddsInputGradient: true } projection && !ReferenceEquals(dBody, dy))
        {
            projection.BackwardAdding(dy, dBody);
            return dBody;
        }
        // The identity's Jacobian is I, so its share of ∂C/∂x is δ itself.
        var dSkip = _shortcut?.Backward(dy) ?? dy;
        // The sum goes into the body's ∂C/∂x, which nothing reads after this (a fresh buffer would cost a third stream),
        // unless the body handed back δ itself (or the shortcut's buffer), which must stay as it was.
        var dx = ReferenceEquals(dBody, dy) || ReferenceEquals(dBody, dSkip) ? Tensor.Ensure(ref _inputGradient, dBody.Shape) : dBody;
        Elementwise.For(dx.Length, (dBody, dSkip, dx), static (t, at, n) => TensorPrimitives.Add(t.dBody.Span.Slice(at, n), t.dSkip.Span.Slice(at, n), t.dx.Span.Slice(at, n)));
        return dx;
    }
}
