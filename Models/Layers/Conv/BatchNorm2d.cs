using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>
/// Batch normalisation per channel (Ioffe and Szegedy 2015): x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β.
/// Training normalises with the mini-batch's statistics and updates running ones; inference uses the running ones.
/// </summary>
/// <remarks>
/// μ and σ² are over the batch and all pixels of a channel (biased σ² for normalising, unbiased for the running
/// estimate, as PyTorch does); running = (1 − momentum)·running + momentum·batch with momentum 0.1, ε = 1e-5.
/// γ and β do not decay under L2. The running statistics are <see cref="Layer.Buffers"/>, saved with the weights.
/// Backward reads the input of the last forward pass (x̂ is recomputed from it, not stored), so the caller keeps that
/// input unchanged until then, as for a convolution.
/// </remarks>
[LayerKind("batch_norm2d")]
public sealed class BatchNorm2d : Layer, IFusesActivation
{
    private readonly Parameter _gamma, _beta;
    private readonly Tensor _runningMean, _runningVar;
    // Per-channel rows: 1/σ and μ of the last forward pass (the batch's or the running ones, for backward), the batch's σ²
    // and unbiased σ², and backward's Σδ and Σδ·x̂.
    private readonly float[] _inverseStd, _mean, _batchVariance, _unbiasedVariance, _sumDy, _sumDyXh;
    // One cached array: the training step reads this every batch and must not allocate.
    private readonly Parameter[] _parameters;
    private Tensor? _input, _output, _inputGradient;
    // Whether the last forward pass stored y (not before a ReLU).
    private bool _trainedForward, _keptOutput;

    public BatchNorm2d(int channels, float momentum = 0.1f, float epsilon = 1e-5f)
    {
        if (channels <= 0) throw new ArgumentException($"BatchNorm2d needs a positive channel count, got {channels}.");
        if (momentum is < 0f or > 1f) throw new ArgumentException($"BatchNorm2d momentum must be in [0, 1], got {momentum}.");
        if (!(epsilon > 0f)) throw new ArgumentException($"BatchNorm2d epsilon must be positive, got {epsilon}.");
        Channels = channels; Momentum = momentum; Epsilon = epsilon;
        _gamma = new Parameter("gamma", new Tensor(channels), decays: false);
        _beta = new Parameter("beta", new Tensor(channels), decays: false);
        _gamma.Value.Span.Fill(1f);
        _runningMean = new Tensor(channels);
        _runningVar = new Tensor(channels);
        _runningVar.Span.Fill(1f);
        _inverseStd = new float[channels]; _mean = new float[channels]; _batchVariance = new float[channels]; _unbiasedVariance = new float[channels];
        _sumDy = new float[channels]; _sumDyXh = new float[channels];
        _parameters = [_gamma, _beta];
    }

    public BatchNorm2d(LayerSpec spec)
        : this(spec.GetInt("channels"), spec.GetFloat("momentum", 0.1f), spec.GetFloat("epsilon", 1e-5f)) { }

    public int Channels { get; }
    public float Momentum { get; }
    public float Epsilon { get; }
    public Parameter Gamma => _gamma;
    public Parameter Beta => _beta;
    public Tensor RunningMean => _runningMean;
    public Tensor RunningVariance => _runningVar;

    public override IReadOnlyList<Parameter> Parameters => _parameters;

    public override IReadOnlyList<Tensor> Buffers => [_runningMean, _runningVar];

    public override LayerSpec Spec =>
        new LayerSpec("batch_norm2d").With("channels", Channels).With("momentum", Momentum).With("epsilon", Epsilon);

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        ConvShape.Image("BatchNorm2d", inputShape, Channels);
        return inputShape.ToArray();
    }

    public override Tensor Forward(Tensor x, bool training) => Forward(x, training, PlaneActivation.None, null);

    public Tensor Forward(Tensor x, bool training, IFusibleActivation then) => Forward(x, training, then.Kernel, then);

    /// <summary>y = γ·x̂ + β, and a = σ(y) in the same sweep when <paramref name="then"/> is given (returning a).</summary>
    private Tensor Forward(Tensor x, bool training, PlaneActivation activation, IFusibleActivation? then)
    {
        var (n, c, h, w) = ConvShape.Batch("BatchNorm2d", x, Channels);
        int hw = h * w;
        if (training && (long)n * hw < 2)
            throw new ArgumentException($"BatchNorm2d cannot estimate a variance in training from one value per channel (input {Tensor.ShapeText(x.Shape)}); use a larger batch.");
        _trainedForward = training;
        _input = x;
        // a = σ(y): the activation's own buffer, or none. Before a ReLU, whose derivative reads a alone, y is not stored.
        _keptOutput = then is not ReLU;
        var y = _keptOutput ? Tensor.Ensure(ref _output, x.Shape) : null;
        var a = then is ReLU relu ? relu.OutputFor(x.Shape) : then?.OutputFor(y!);
        if (!training)
        {
            _runningMean.Span.CopyTo(_mean);
            BatchNormChannels.NormalizeInference(x.Span, n, c, hw, _gamma.Value.Span, _beta.Value.Span, Epsilon,
                _mean, _runningVar.Span, _inverseStd, y is null ? [] : y.Span, activation, a is null ? [] : a.Span);
            return a ?? y!;
        }
        // x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β with the batch's μ and biased σ².
        BatchNormChannels.NormalizeTraining(x.Span, n, c, hw, _gamma.Value.Span, _beta.Value.Span, Epsilon,
            _mean, _batchVariance, _unbiasedVariance, _inverseStd, y is null ? [] : y.Span, activation, a is null ? [] : a.Span);
        // running = (1 − momentum)·running + momentum·batch, with the unbiased σ².
        float m = Momentum;
        for (int ch = 0; ch < c; ch++)
        {
            _runningMean[ch] = (1 - m) * _runningMean[ch] + m * _mean[ch];
            _runningVar[ch] = (1 - m) * _runningVar[ch] + m * _unbiasedVariance[ch];
        }
        return a ?? y!;
    }

    public override Tensor Backward(Tensor dy)
    {
        var (x, dx, n, hw) = GradientBuffers(dy);
        // Σδ and Σδ·x̂ per channel, and ∂C/∂x.
        BatchNormChannels.Backward(dy.Span, x.Span, _mean, n, Channels, hw, _gamma.Value.Span, _inverseStd, _trainedForward, _sumDy, _sumDyXh, dx.Span);
        AddParameterGradients();
        return dx;
    }

    public Tensor Backward(Tensor outputGradient, IFusibleActivation then)
    {
        // Planes below FusedBackwardPlane (none by default): the activation's own pass first (the same bits).
        if (_input is { } x0 && x0.Dim(2) * x0.Dim(3) < BatchNormChannels.FusedBackwardPlane)
            return Backward(then.Backward(outputGradient));
        // δ_y = δ_a ⊙ σ'(y) into the activation's ∂C/∂z buffer, plane by plane inside the batch norm's sweep.
        var (a, dy) = then.GradientBuffers(outputGradient);
        var (x, dx, n, hw) = GradientBuffers(dy);
        BatchNormChannels.Backward(then.Kernel, _keptOutput ? _output!.Span : [], a.Span, outputGradient.Span, dy.Span, x.Span, _mean, n, Channels, hw,
            _gamma.Value.Span, _inverseStd, _trainedForward, _sumDy, _sumDyXh, dx.Span);
        AddParameterGradients();
        return dx;
    }

    private (Tensor Input, Tensor InputGradient, int Batch, int Plane) GradientBuffers(Tensor dy)
    {
        var x = _input ?? throw new InvalidOperationException("BatchNorm2d.Backward called before Forward.");
        if (!dy.ShapeEquals(x.Shape))
            throw new ArgumentException($"BatchNorm2d.Backward expects ∂C/∂y of shape {Tensor.ShapeText(x.Shape)} but got {Tensor.ShapeText(dy.Shape)}.");
        return (x, Tensor.Ensure(ref _inputGradient, x.Shape), x.Dim(0), x.Dim(2) * x.Dim(3));
    }

    private void AddParameterGradients()
    {
        if (ParameterGradients)
        {
            // ∂C/∂β = Σδ, ∂C/∂γ = Σδ·x̂
            TensorPrimitives.Add(_beta.Gradient.Span, _sumDy, _beta.Gradient.Span);
            TensorPrimitives.Add(_gamma.Gradient.Span, _sumDyXh, _gamma.Gradient.Span);
        }
    }
}
