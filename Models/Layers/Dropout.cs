using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>While training, zeroes each activation with probability p and scales the survivors by 1/(1−p)
/// (Srivastava et al. 2014, "inverted" so inference needs no rescaling). At inference it passes its input through.</summary>
[LayerKind("dropout")]
public sealed class Dropout : Layer, IStochasticLayer
{
    private Random _rng;
    private Tensor? _mask, _output, _inputGradient;

    public Dropout(float rate, int seed = 0)
    {
        if (!(rate >= 0f && rate < 1f)) throw new ArgumentException($"Dropout rate must be in [0, 1), got {rate}.");
        Rate = rate;
        _rng = new Random(seed);
    }

    public Dropout(LayerSpec spec) : this(spec.GetFloat("rate")) { }

    public float Rate { get; }

    public override LayerSpec Spec => new LayerSpec("dropout").With("rate", Rate);

    public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();

    public void Reseed(int seed) => _rng = new Random(seed);

    public override Tensor Forward(Tensor x, bool training)
    {
        var mask = Tensor.Ensure(ref _mask, x.Shape);
        if (!training || Rate == 0f)
        {
            mask.Span.Fill(1f);
            return x;
        }
        float keep = 1f / (1f - Rate);
        var m = mask.Span;
        for (int i = 0; i < m.Length; i++) m[i] = _rng.NextDouble() >= Rate ? keep : 0f;
        var y = Tensor.Ensure(ref _output, x.Shape);
        TensorPrimitives.Multiply(x.Span, m, y.Span);
        return y;
    }

    public override Tensor Backward(Tensor dy)
    {
        var mask = _mask ?? throw new InvalidOperationException("Dropout.Backward called before Forward.");
        CheckGradient(dy, mask);
        // A dropped unit passed nothing forward, so nothing flows back through it: ∂C/∂x = ∂C/∂y ⊙ mask.
        var dx = Tensor.Ensure(ref _inputGradient, dy.Shape);
        TensorPrimitives.Multiply(dy.Span, mask.Span, dx.Span);
        return dx;
    }
}
