namespace NeuralPipelines.Models.Layers;

/// <summary>a = s·z + t with fixed s and t (nothing trained): maps a generator's tanh output in [−1, 1] to pixels in
/// [0, 1] (s = t = ½), so an exported sampler hands out images in the range every image reader expects.</summary>
[LayerKind("scale-shift")]
public sealed class ScaleShift : Activation
{
    public ScaleShift(float scale, float shift)
    {
        if (!float.IsFinite(scale) || !float.IsFinite(shift)) throw new ArgumentException($"ScaleShift needs finite constants, got scale {scale}, shift {shift}.");
        Scale = scale; Shift = shift;
    }

    public ScaleShift(LayerSpec spec) : this(spec.GetFloat("scale", 1f), spec.GetFloat("shift", 0f)) { }

    /// <summary>[−1, 1] → [0, 1].</summary>
    public static ScaleShift TanhToUnit() => new(0.5f, 0.5f);

    public float Scale { get; }
    public float Shift { get; }

    public override LayerSpec Spec => new LayerSpec("scale-shift").With("scale", Scale).With("shift", Shift);

    protected override void Activate(ReadOnlySpan<float> z, Span<float> a)
    {
        TensorPrimitives.Multiply(z, Scale, a);
        TensorPrimitives.Add(a, Shift, a);
    }

    // ∂a/∂z = s
    protected override void MultiplyByDerivative(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dy, Span<float> dx) =>
        TensorPrimitives.Multiply(dy, Scale, dx);
}
