using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Models.Regularization;

/// <summary>L2 and L1 weight penalties as in Nielsen ch. 3: C = C₀ + (λ₂/2n) Σw² + (λ₁/n) Σ|w|, n the training-set size.</summary>
/// <remarks>
/// Applied by adding the penalty's gradient to each decaying parameter's gradient before the optimiser step:
/// ∂C/∂w = ∂C₀/∂w + (λ₂/n) w + (λ₁/n) sgn(w). With plain SGD that is Nielsen's w → (1 − ηλ/n) w − η∂C₀/∂w (weight decay)
/// and w → w − (ηλ/n) sgn(w) − η∂C₀/∂w. Biases are not regularised (<see cref="Parameter.Decays"/>).
/// The reported costs are C₀ alone: the penalty only shapes the step. Adding it to both the training and the test cost
/// (Nielsen's total_cost) belongs to the trainer's evaluation, not here.
/// </remarks>
public sealed class Regularizer(float l2, float l1, int trainingSetSize)
{
    public float L2 { get; } = l2 >= 0 ? l2 : throw new ArgumentException($"L2 λ must be ≥ 0, got {l2}.");
    public float L1 { get; } = l1 >= 0 ? l1 : throw new ArgumentException($"L1 λ must be ≥ 0, got {l1}.");
    public int TrainingSetSize { get; } = trainingSetSize > 0 ? trainingSetSize : throw new ArgumentException("Regularisation needs a non-empty training set.");

    public bool IsActive => L2 > 0 || L1 > 0;

    public void AddGradients(Parameter[] parameters)
    {
        if (!IsActive) return;
        float a2 = L2 / TrainingSetSize, a1 = L1 / TrainingSetSize;
        foreach (var p in parameters)
        {
            if (!p.Decays) continue;
            var w = p.Value.Span; var g = p.Gradient.Span;
            if (a2 > 0) TensorPrimitives.MultiplyAdd(w, a2, g, g);
            if (a1 > 0)
                for (int i = 0; i < w.Length; i++) g[i] += a1 * MathF.Sign(w[i]);
        }
    }
}
