using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>aⱼ = e^{zⱼ} / Σₖ e^{zₖ} over each example's outputs (Nielsen ch. 3): a probability distribution over classes.</summary>
/// <remarks>
/// Training pairs softmax with the log-likelihood cost fused on the logits (<c>Losses.LogLikelihoodCost</c>), which is
/// both stabler and cheaper; this layer is for networks that must output probabilities (inference, export).
/// Unlike the elementwise activations its Jacobian is full: ∂aᵢ/∂zⱼ = aᵢ(δᵢⱼ − aⱼ).
/// </remarks>
[LayerKind("softmax")]
public sealed class Softmax : Layer
{
    private Tensor? _output, _inputGradient;

    public Softmax() { }

    public Softmax(LayerSpec spec) { }

    public override LayerSpec Spec => new("softmax");

    public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();

    public override Tensor Forward(Tensor x, bool training)
    {
        var a = Tensor.Ensure(ref _output, x.Shape);
        int n = x.Dim(0), k = x.ItemLength;
        for (int i = 0; i < n; i++) Apply(x.Span.Slice(i * k, k), a.Span.Slice(i * k, k));
        return a;
    }

    /// <summary>Softmax of one row; subtracting the maximum first keeps e^z finite for any logits.</summary>
    public static void Apply(ReadOnlySpan<float> z, Span<float> a)
    {
        float max = TensorPrimitives.Max(z);
        double sum = 0;
        for (int j = 0; j < z.Length; j++) { a[j] = MathF.Exp(z[j] - max); sum += a[j]; }
        float inv = (float)(1.0 / sum);
        for (int j = 0; j < z.Length; j++) a[j] *= inv;
    }

    public override Tensor Backward(Tensor dy)
    {
        var a = _output ?? throw new InvalidOperationException("Softmax.Backward called before Forward.");
        CheckGradient(dy, a);
        var dx = Tensor.Ensure(ref _inputGradient, dy.Shape);
        int n = a.Dim(0), k = a.ItemLength;
        for (int i = 0; i < n; i++)
        {
            var ai = a.Span.Slice(i * k, k); var dyi = dy.Span.Slice(i * k, k); var dxi = dx.Span.Slice(i * k, k);
            // ∂C/∂zⱼ = Σᵢ ∂C/∂aᵢ · aᵢ(δᵢⱼ − aⱼ) = aⱼ (∂C/∂aⱼ − Σᵢ aᵢ ∂C/∂aᵢ)
            float dot = TensorPrimitives.Dot(ai, dyi);
            for (int j = 0; j < k; j++) dxi[j] = ai[j] * (dyi[j] - dot);
        }
        return dx;
    }
}
