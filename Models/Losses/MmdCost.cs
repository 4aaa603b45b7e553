using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Losses;

/// <summary>C = √MMD²(generated, real): the cost of a generative moment-matching network (Li, Swersky and Zemel 2015). The
/// network's output is the batch of generated samples (N×D) and the "target" is a batch of real samples (M×D, any M).</summary>
/// <remarks>
/// Not a mean of per-example terms: every generated sample is compared with every other and with every real one, so this
/// cost overrides <see cref="Loss.Compute"/> whole. The square root follows the GMMN paper: near a good fit MMD² shrinks
/// quadratically with the error and its gradient with it, while √MMD² keeps a gradient of constant size, so late steps do
/// not stall. See <see cref="Mmd"/> for the statistic (biased V-statistic) and the kernel.
/// </remarks>
public sealed class MmdCost : Loss
{
    /// <summary>Added under the square root: ∂√s/∂s = 1/(2√s) is infinite at s = 0, so two identical batches (or float
    /// rounding that brings MMD² to 0) would give 0·∞ = NaN. With ε, the gradient there is 0/(2√ε) = 0. ε = 1e-10 shifts C
    /// by at most 1e-5, far below the MMD of two finite batches of one distribution (≈ 1/√N).</summary>
    public const double Epsilon = 1e-10;

    private readonly float[] _sigmas;

    /// <summary>A cost with the kernel k(x, y) = Σ_σ exp(−‖x − y‖²/(2σ²)) over <paramref name="sigmas"/>
    /// (default <see cref="Mmd.DefaultSigmas"/>: 2, 5, 10, 20, 40, 80, for pixel-scale data).</summary>
    public MmdCost(params float[]? sigmas)
    {
        _sigmas = sigmas is null || sigmas.Length == 0 ? Mmd.DefaultSigmas : (float[])sigmas.Clone();
        foreach (float s in _sigmas)
            if (!(s > 0) || float.IsInfinity(s)) throw new ArgumentException($"MMD bandwidths must be positive and finite, got {s}.");
    }

    public IReadOnlyList<float> Sigmas => _sigmas;

    public override string Name => "mmd";

    public override OutputActivation OutputActivation => OutputActivation.None;

    public override double Compute(Tensor output, Tensor target, Tensor? gradient)
    {
        double squared = Mmd.Squared(output, target, _sigmas, gradient);
        double c = Math.Sqrt(Math.Max(squared, 0) + Epsilon);
        // ∂C/∂X = ∂MMD²/∂X / (2C).
        if (gradient is not null) TensorPrimitives.Multiply(gradient.Span, (float)(0.5 / c), gradient.Span);
        return c;
    }
}
