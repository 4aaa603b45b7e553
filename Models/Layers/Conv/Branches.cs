using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>Runs several layers on the same input and concatenates their outputs along the channel axis (an Inception module).</summary>
/// <remarks>
/// Every branch must keep the batch and spatial size; only channel counts may differ. Backward hands each branch its
/// slice of δ and sums the branches' ∂C/∂x, since x fed all of them. ONNX: the branches, then Concat(axis = 1).
/// </remarks>
[LayerKind("branches")]
public sealed class Branches : Layer
{
    private readonly Layer[] _branches;
    private readonly Tensor?[] _branchGradients;
    private readonly Tensor[] _branchOutputs;
    private int[] _itemLengths = [];
    private Tensor? _output, _inputGradient;

    public Branches(params Layer[] branches)
    {
        if (branches.Length == 0) throw new ArgumentException("Branches needs at least one branch.");
        _branches = branches;
        _branchGradients = new Tensor?[branches.Length];
        _branchOutputs = new Tensor[branches.Length];
    }

    public Branches(LayerSpec spec) : this(spec.Children.Select(LayerRegistry.Build).ToArray()) { }

    public override IReadOnlyList<Layer> Children => _branches;

    public override LayerSpec Spec => new LayerSpec("branches").WithChildren(_branches.Select(b => b.Spec));

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        int[]? result = null;
        for (int i = 0; i < _branches.Length; i++)
        {
            int[] s = _branches[i].OutputShape(inputShape);
            if (result is null) { result = s; continue; }
            if (s.Length != result.Length || !s.AsSpan(1).SequenceEqual(result.AsSpan(1)))
                throw new ArgumentException($"Branches: branch {i} gives {Tensor.ShapeText(s)} but branch 0 gives {Tensor.ShapeText(_branches[0].OutputShape(inputShape))}; only the channel axis may differ.");
            result[0] += s[0];
        }
        return result!;
    }

    public override Tensor Forward(Tensor x, bool training)
    {
        var outputs = _branchOutputs; // reused: a steady-state step allocates nothing
        int channels = 0;
        for (int i = 0; i < _branches.Length; i++)
        {
            outputs[i] = _branches[i].Forward(x, training);
            var o = outputs[i];
            if (o.Rank < 2 || o.Dim(0) != x.Dim(0) || !o.Shape[2..].SequenceEqual(outputs[0].Shape[2..]))
                throw new ArgumentException($"Branches: branch {i} gives {Tensor.ShapeText(o.Shape)} but branch 0 gives {Tensor.ShapeText(outputs[0].Shape)}; only the channel axis may differ.");
            channels += o.Dim(1);
        }
        Span<int> shape = stackalloc int[outputs[0].Rank];
        outputs[0].Shape.CopyTo(shape);
        shape[1] = channels;
        var y = Tensor.Ensure(ref _output, shape);
        if (_itemLengths.Length != _branches.Length) _itemLengths = new int[_branches.Length];
        int n = x.Dim(0), item = y.ItemLength, offset = 0;
        // In NCHW each example's channels are contiguous, so concatenating on axis 1 is one block copy per example and branch.
        for (int b = 0; b < outputs.Length; b++)
        {
            int len = outputs[b].ItemLength;
            _itemLengths[b] = len;
            for (int i = 0; i < n; i++) outputs[b].Span.Slice(i * len, len).CopyTo(y.Span.Slice(i * item + offset, len));
            offset += len;
        }
        return y;
    }

    public override Tensor Backward(Tensor dy)
    {
        var y = _output ?? throw new InvalidOperationException("Branches.Backward called before Forward.");
        if (!dy.ShapeEquals(y.Shape))
            throw new ArgumentException($"Branches.Backward expects ∂C/∂y of shape {Tensor.ShapeText(y.Shape)} but got {Tensor.ShapeText(dy.Shape)}.");
        int n = dy.Dim(0), item = y.ItemLength, offset = 0;
        Tensor? dx = null;
        Span<int> shape = stackalloc int[dy.Rank];
        for (int b = 0; b < _branches.Length; b++)
        {
            int len = _itemLengths[b];
            dy.Shape.CopyTo(shape);
            shape[1] = len / (item / dy.Dim(1));
            var db = Tensor.Ensure(ref _branchGradients[b], shape);
            for (int i = 0; i < n; i++) dy.Span.Slice(i * item + offset, len).CopyTo(db.Span.Slice(i * len, len));
            offset += len;
            var dxb = _branches[b].Backward(db);
            if (dx is null)
            {
                dx = Tensor.Ensure(ref _inputGradient, dxb.Shape);
                dxb.Span.CopyTo(dx.Span);
            }
            else TensorPrimitives.Add(dx.Span, dxb.Span, dx.Span);
        }
        return dx!;
    }
}
