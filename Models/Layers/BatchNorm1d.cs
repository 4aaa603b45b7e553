using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>
/// Batch normalisation per feature of a fully connected layer (Ioffe and Szegedy 2015) on [N×F]:
/// x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β, with μ and σ² of each feature over the mini-batch.
/// </summary>
/// <remarks>
/// The same rules as <see cref="Conv.BatchNorm2d"/>, with a feature in place of a channel: training normalises with the
/// batch's biased σ² and moves the running estimates by momentum 0.1 towards the batch's μ and unbiased σ² (PyTorch's
/// convention), inference uses the running ones; ε = 1e-5; γ and β do not decay. The running statistics are
/// <see cref="Layer.Buffers"/>, saved with the weights.
/// Rows are contiguous and features are not, so every pass sweeps whole rows with vector operations and keeps one
/// running value per feature, rather than walking each feature's strided column.
/// </remarks>
[LayerKind("batch_norm1d")]
public sealed class BatchNorm1d : Layer, IFusesActivation
{
    private readonly Parameter _gamma, _beta;
    private readonly Parameter[] _parameters;
    private readonly Tensor _runningMean, _runningVar;
    // Per-feature work rows: μ (then Σδ), 1/σ (kept for backward), Σδ·x̂ and γ/σ.
    private readonly float[] _mean, _inverseStd, _sumDyXh, _scale;
    private Tensor? _normalized, _output, _inputGradient;
    private bool _trainedForward;

    public BatchNorm1d(int features, float momentum = 0.1f, float epsilon = 1e-5f)
    {
        if (features <= 0) throw new ArgumentException($"BatchNorm1d needs a positive feature count, got {features}.");
        if (momentum is < 0f or > 1f) throw new ArgumentException($"BatchNorm1d momentum must be in [0, 1], got {momentum}.");
        if (!(epsilon > 0f)) throw new ArgumentException($"BatchNorm1d epsilon must be positive, got {epsilon}.");
        Features = features; Momentum = momentum; Epsilon = epsilon;
        _gamma = new Parameter("gamma", new Tensor(features), decays: false);
        _beta = new Parameter("beta", new Tensor(features), decays: false);
        _gamma.Value.Span.Fill(1f);
        _parameters = [_gamma, _beta];
        _runningMean = new Tensor(features);
        _runningVar = new Tensor(features);
        _runningVar.Span.Fill(1f);
        _mean = new float[features]; _inverseStd = new float[features]; _sumDyXh = new float[features]; _scale = new float[features];
    }

    public BatchNorm1d(LayerSpec spec)
        : this(spec.GetInt("features"), spec.GetFloat("momentum", 0.1f), spec.GetFloat("epsilon", 1e-5f)) { }

    public int Features { get; }
    public float Momentum { get; }
    public float Epsilon { get; }
    public Parameter Gamma => _gamma;
    public Parameter Beta => _beta;
    public Tensor RunningMean => _runningMean;
    public Tensor RunningVariance => _runningVar;

    // One cached array: the training step reads this every batch and must not allocate.
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    public override IReadOnlyList<Tensor> Buffers => [_runningMean, _runningVar];

    public override LayerSpec Spec =>
        new LayerSpec("batch_norm1d").With("features", Features).With("momentum", Momentum).With("epsilon", Epsilon);

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        if (inputShape.Length != 1 || inputShape[0] != Features)
            throw new ArgumentException($"BatchNorm1d expects {Features} features per example ([{Features}]) but got {Tensor.ShapeText(inputShape)}.");
        return [Features];
    }

    public override Tensor Forward(Tensor x, bool training) => Forward(x, training, PlaneActivation.None, null);

    public Tensor Forward(Tensor x, bool training, IFusibleActivation then) => Forward(x, training, then.Kernel, then);

    /// <summary>y = γ·x̂ + β, and a = σ(y) in the same sweep when <paramref name="then"/> is given (returning a).</summary>
    private Tensor Forward(Tensor x, bool training, PlaneActivation activation, IFusibleActivation? then)
    {
        if (x.Rank != 2 || x.Dim(1) != Features)
            throw new ArgumentException($"BatchNorm1d expects [N×{Features}] but got {Tensor.ShapeText(x.Shape)}.");
        int n = x.Dim(0), f = Features;
        if (training && n < 2)
            throw new ArgumentException($"BatchNorm1d cannot estimate a variance in training from a batch of one (input {Tensor.ShapeText(x.Shape)}); use a larger batch.");
        _trainedForward = training;
        var xh = Tensor.Ensure(ref _normalized, x.Shape);
        var y = Tensor.Ensure(ref _output, x.Shape);
        var a = then?.OutputFor(y);
        // Features are independent: ranges of them go to both cores, each feature's rows still summed in row order.
        Elementwise.ForColumns(f, n, (layer: this, x, xh, y, training, activation, a), static (t, s, c) =>
            t.layer.Normalize(t.x, t.xh, t.y, t.training, t.activation, t.a, s, c));
        return a ?? y;
    }

    /// <summary>The forward pass for features [<paramref name="s"/>, s + <paramref name="c"/>), then a = σ(y) on those
    /// features when an activation follows.</summary>
    private void Normalize(Tensor x, Tensor xh, Tensor y, bool training, PlaneActivation activation, Tensor? a, int s, int c)
    {
        int n = x.Dim(0), f = Features;
        ReadOnlySpan<float> xs = x.Span;
        Span<float> xhs = xh.Span, ys = y.Span, mean = _mean.AsSpan(s, c), inv = _inverseStd.AsSpan(s, c);
        if (training)
        {
            // μ = (1/N) Σᵢ xᵢ, then σ² = (1/N) Σᵢ (xᵢ − μ)², two passes as BatchNorm2d (the one-pass form cancels when |μ| ≫ σ).
            // Rows are summed in float: a batch is tens of rows, not the hundred thousand values of a conv channel.
            mean.Clear();
            for (int i = 0; i < n; i++) TensorPrimitives.Add(mean, xs.Slice(i * f + s, c), mean);
            TensorPrimitives.Multiply(mean, 1f / n, mean);
            var variance = _sumDyXh.AsSpan(s, c); // free until backward
            variance.Clear();
            for (int i = 0; i < n; i++)
            {
                var centred = xhs.Slice(i * f + s, c);
                TensorPrimitives.Subtract(xs.Slice(i * f + s, c), mean, centred);
                TensorPrimitives.MultiplyAdd(centred, centred, variance, variance);
            }
            // running = (1 − m)·running + m·batch, with the unbiased σ²·N/(N − 1) for the running variance.
            float m = Momentum;
            var rm = _runningMean.Span.Slice(s, c); var rv = _runningVar.Span.Slice(s, c);
            TensorPrimitives.Multiply(rm, 1 - m, rm);
            TensorPrimitives.MultiplyAdd(mean, m, rm, rm);
            TensorPrimitives.Multiply(rv, 1 - m, rv);
            TensorPrimitives.MultiplyAdd(variance, m / (n - 1), rv, rv);
            // 1/σ with the biased σ² = Σ(x − μ)²/N.
            TensorPrimitives.Multiply(variance, 1f / n, inv);
        }
        else
        {
            _runningMean.Span.Slice(s, c).CopyTo(mean);
            _runningVar.Span.Slice(s, c).CopyTo(inv);
        }
        TensorPrimitives.Add(inv, Epsilon, inv);
        TensorPrimitives.ReciprocalSqrt(inv, inv);
        var gamma = _gamma.Value.Span.Slice(s, c); var beta = _beta.Value.Span.Slice(s, c);
        for (int i = 0; i < n; i++)
        {
            var xhRow = xhs.Slice(i * f + s, c);
            // x̂ = (x − μ)·(1/σ); in training x̂'s row already holds x − μ from the variance pass.
            if (!training) TensorPrimitives.Subtract(xs.Slice(i * f + s, c), mean, xhRow);
            TensorPrimitives.Multiply(xhRow, inv, xhRow);
            // y = γ·x̂ + β
            TensorPrimitives.MultiplyAdd(xhRow, gamma, beta, ys.Slice(i * f + s, c));
            // a = σ(y) while the row is in cache.
            if (a is not null) activation.Forward(ys.Slice(i * f + s, c), a.Span.Slice(i * f + s, c));
        }
    }

    public override Tensor Backward(Tensor dy) => Backward(dy, PlaneActivation.None, null, null);

    public Tensor Backward(Tensor outputGradient, IFusibleActivation then)
    {
        // δ_y = δ_a ⊙ σ'(y) into the activation's ∂C/∂z buffer, row by row inside the batch norm's sweep.
        var (a, dy) = then.GradientBuffers(outputGradient);
        return Backward(dy, then.Kernel, a, outputGradient);
    }

    private Tensor Backward(Tensor dy, PlaneActivation activation, Tensor? a, Tensor? da)
    {
        var xh = _normalized ?? throw new InvalidOperationException("BatchNorm1d.Backward called before Forward.");
        if (!dy.ShapeEquals(xh.Shape))
            throw new ArgumentException($"BatchNorm1d.Backward expects ∂C/∂y of shape {Tensor.ShapeText(xh.Shape)} but got {Tensor.ShapeText(dy.Shape)}.");
        int n = xh.Dim(0), f = Features;
        var dx = Tensor.Ensure(ref _inputGradient, xh.Shape);
        Elementwise.ForColumns(f, n, (layer: this, dy, xh, dx, activation, a, da), static (t, s, c) =>
            t.layer.BackwardRange(t.dy, t.xh, t.dx, t.activation, t.a, t.da, s, c));
        return dx;
    }

    /// <summary>The backward pass for features [<paramref name="s"/>, s + <paramref name="c"/>); first δ_y = δ_a ⊙ σ'(y)
    /// on those features when an activation followed (<paramref name="a"/> and <paramref name="da"/> given).</summary>
    private void BackwardRange(Tensor dy, Tensor xh, Tensor dx, PlaneActivation activation, Tensor? a, Tensor? da, int s, int c)
    {
        int n = xh.Dim(0), f = Features;
        ReadOnlySpan<float> dys = dy.Span, xhs = xh.Span;
        Span<float> dxs = dx.Span, sumDy = _mean.AsSpan(s, c), sumDyXh = _sumDyXh.AsSpan(s, c), scale = _scale.AsSpan(s, c);
        sumDy.Clear(); sumDyXh.Clear();
        for (int i = 0; i < n; i++)
        {
            if (a is not null)
                activation.Backward(_output!.Span.Slice(i * f + s, c), a.Span.Slice(i * f + s, c), da!.Span.Slice(i * f + s, c), dy.Span.Slice(i * f + s, c));
            var dyRow = dys.Slice(i * f + s, c);
            TensorPrimitives.Add(sumDy, dyRow, sumDy);
            TensorPrimitives.MultiplyAdd(dyRow, xhs.Slice(i * f + s, c), sumDyXh, sumDyXh);
        }
        // ∂C/∂β = Σδ, ∂C/∂γ = Σδ·x̂
        if (ParameterGradients)
        {
            var db = _beta.Gradient.Span.Slice(s, c); var dg = _gamma.Gradient.Span.Slice(s, c);
            TensorPrimitives.Add(db, sumDy, db);
            TensorPrimitives.Add(dg, sumDyXh, dg);
        }
        // γ/σ
        TensorPrimitives.Multiply(_gamma.Value.Span.Slice(s, c), _inverseStd.AsSpan(s, c), scale);
        if (!_trainedForward)
        {
            // Fixed statistics make the layer affine: ∂C/∂x = γ/σ · δ.
            for (int i = 0; i < n; i++) TensorPrimitives.Multiply(dys.Slice(i * f + s, c), scale, dxs.Slice(i * f + s, c));
            return;
        }
        // μ and σ depend on every row: ∂C/∂x = γ/σ · (δ − mean(δ) − x̂·mean(δ·x̂)).
        TensorPrimitives.Multiply(sumDy, 1f / n, sumDy);
        TensorPrimitives.Multiply(sumDyXh, 1f / n, sumDyXh);
        for (int i = 0; i < n; i++)
        {
            var dxRow = dxs.Slice(i * f + s, c);
            // dx = (δ − x̂·mean(δ·x̂) − mean(δ)) · γ/σ
            TensorPrimitives.MultiplyAdd(xhs.Slice(i * f + s, c), sumDyXh, sumDy, dxRow);
            TensorPrimitives.Subtract(dys.Slice(i * f + s, c), dxRow, dxRow);
            TensorPrimitives.Multiply(dxRow, scale, dxRow);
        }
    }
}
