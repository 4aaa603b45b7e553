using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>One level of a U-Net (Ronneberger et al. 2015; pix2pix's generator): y = concat(x, up(inner(down(x)))) along
/// the channel axis, or up(inner(down(x))) alone for the outermost level. A U-Net is this block nested in itself.</summary>
/// <remarks>
/// <para>The skip connection hands the block's input straight to the decoder at the same resolution, so fine detail (the
/// edges of the grey photo) need not squeeze through the 1×1 bottleneck. <c>inner</c> is the next block, or nothing at the
/// innermost level, where down's output turns straight around.</para>
/// <para>Backward: δ splits at the concatenation: its first C_x channels are ∂C/∂x through the skip, the rest is ∂C/∂up,
/// which runs back through up, inner and down. x fed both, so ∂C/∂x = down's ∂C/∂x + skip's (the chain rule sums over
/// every path from x to C). ONNX: the three parts, then Concat(x, up) on axis 1.</para>
/// </remarks>
[LayerKind("unet-skip")]
public sealed class UNetSkipBlock : Layer
{
    private readonly Layer[] _children;
    private Tensor? _input, _output, _upGradient, _inputGradient;
    // The tensor the last Forward joined into: _output, or the activation's output when the level outside fused its
    // first activation into this join (Backward reads only its shape).
    private Tensor? _joined;

    public UNetSkipBlock(Layer down, Layer? inner, Layer up, bool outermost = false)
    {
        Down = down; Inner = inner; Up = up; Outermost = outermost;
        _children = inner is null ? [down, up] : [down, inner, up];
    }

    public UNetSkipBlock(LayerSpec spec)
        : this(LayerRegistry.Build(Child(spec, 0)), spec.Children.Count == 3 ? LayerRegistry.Build(spec.Children[1]) : null,
            LayerRegistry.Build(Child(spec, spec.Children.Count - 1)), spec.GetBool("outermost", false)) { }

    public Layer Down { get; }
    /// <summary>The next level in, or null at the innermost level.</summary>
    public Layer? Inner { get; }
    public Layer Up { get; }
    /// <summary>The outermost level returns up(…) only: the network's output, without its input concatenated.</summary>
    public bool Outermost { get; }

    public override IReadOnlyList<Layer> Children => _children;

    public override LayerSpec Spec => new LayerSpec("unet-skip").With("outermost", Outermost).WithChildren(_children.Select(c => c.Spec));

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        int[] d = Down.OutputShape(inputShape);
        int[] m = Inner?.OutputShape(d) ?? d;
        int[] u = Up.OutputShape(m);
        if (Outermost) return u;
        if (u.Length != inputShape.Length || !u.AsSpan(1).SequenceEqual(inputShape[1..]))
            throw new ArgumentException($"UNetSkipBlock: up gives {Tensor.ShapeText(u)} for an input of {Tensor.ShapeText(inputShape.ToArray())}; the skip needs the same size.");
        int[] y = (int[])u.Clone();
        y[0] += inputShape[0];
        return y;
    }

    /// <summary>Whether a level whose up path opens with a ReLU (pix2pix's) has the inner level apply it while joining
    /// (default): one pass over the joined batch fewer (and no joined batch kept apart from the ReLU's output), the same
    /// bits, and the ReLU's output and backward as its own Forward leaves them (its backward reads only its output; a
    /// leaky ReLU's reads its input, so it is not fused). Off, the join and the activation run apart (tests; <c>race pix2pix --ab skip-relu</c>).</summary>
    public static bool FusesSkipActivation { get; set; } = true;

    public override Tensor Forward(Tensor x, bool training) => Forward(x, training, null);

    /// <summary>As <see cref="Forward(Tensor, bool)"/>, with <paramref name="after"/> (the outer level's first up layer)
    /// applied while joining, into its own output buffer, which is returned.</summary>
    private Tensor Forward(Tensor x, bool training, ReLU? after)
    {
        _input = x;
        var d = Down.Forward(x, training);
        Tensor u;
        if (FusesSkipActivation && Inner is UNetSkipBlock inner && Up is Sequential { Children: [ReLU first, ..] } up)
            u = up.ForwardFrom(1, inner.Forward(d, training, first), training);
        else
        {
            var m = Inner is null ? d : Inner.Forward(d, training);
            u = Up.Forward(m, training);
        }
        if (Outermost) return u;
        if (u.Rank != 4 || x.Rank != 4 || u.Dim(0) != x.Dim(0) || u.Dim(2) != x.Dim(2) || u.Dim(3) != x.Dim(3))
            throw new ArgumentException($"UNetSkipBlock: up gives {Tensor.ShapeText(u.Shape)} for an input of {Tensor.ShapeText(x.Shape)}; the skip needs the same batch and size.");
        ReadOnlySpan<int> shape = [x.Dim(0), x.Dim(1) + u.Dim(1), x.Dim(2), x.Dim(3)];
        var y = after is null ? Tensor.Ensure(ref _output, shape) : after.OutputFor(shape);
        // NCHW: each example's channels are contiguous, so the concatenation is two block copies per example.
        Concatenation.Join(x, u, y, after?.Kernel ?? PlaneActivation.None);
        _joined = y;
        return y;
    }

    public override Tensor Backward(Tensor dy)
    {
        var x = _input ?? throw new InvalidOperationException("UNetSkipBlock.Backward called before Forward.");
        if (Outermost) return Down.Backward(BackThroughInner(Up.Backward(dy)));
        var y = _joined!;
        if (!dy.ShapeEquals(y.Shape))
            throw new ArgumentException($"UNetSkipBlock.Backward expects ∂C/∂y of shape {Tensor.ShapeText(y.Shape)} but got {Tensor.ShapeText(dy.Shape)}.");
        // δ of the decoder's output: the channels after x's.
        var du = Tensor.Ensure(ref _upGradient, x.Dim(0), y.Dim(1) - x.Dim(1), y.Dim(2), y.Dim(3));
        Concatenation.Part(dy, x.ItemLength, du);
        var dDown = Down.Backward(BackThroughInner(Up.Backward(du)));
        // ∂C/∂x = ∂C/∂x through down + ∂C/∂x through the skip (the first C_x channels of δ).
        var dx = Tensor.Ensure(ref _inputGradient, x.Shape);
        Concatenation.AddPart(dy, 0, dDown, dx);
        return dx;
    }

    private Tensor BackThroughInner(Tensor dm) => Inner is null ? dm : Inner.Backward(dm);

    private static LayerSpec Child(LayerSpec spec, int index) =>
        spec.Children.Count is 2 or 3 ? spec.Children[index]
        : throw new FormatException($"Layer 'unet-skip' needs 2 children (down, up) or 3 (down, inner, up), got {spec.Children.Count}.");
}
