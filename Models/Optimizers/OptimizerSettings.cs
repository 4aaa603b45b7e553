using NeuralPipelines.Models.Settings;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Optimizers;

/// <summary>Which optimiser and its hyperparameters (the learning rate is the schedule's, not the optimiser's).</summary>
/// <param name="Kind">The update rule.</param>
/// <param name="Momentum">SGD momentum μ (0 = plain SGD).</param>
public sealed record OptimizerSettings(OptimizerKind Kind = OptimizerKind.Sgd, float Momentum = 0f, float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-8f)
{
    public static IReadOnlyList<string> Kinds => SettingNames.Names<OptimizerKind>();

    public static OptimizerKind ParseKind(string text) => SettingNames.Parse<OptimizerKind>(text, "optimizer");

    /// <summary>Fails, naming the value, on an unknown kind or a hyperparameter out of range, so a bad option is
    /// reported before any training starts rather than when the first optimiser is built.</summary>
    public void Validate() => CheckAs(Kind);

    /// <summary>Checks the hyperparameters the optimiser of <paramref name="kind"/> reads (each optimiser's constructor
    /// calls this for its own kind, whatever <see cref="Kind"/> says).</summary>
    internal void CheckAs(OptimizerKind kind)
    {
        switch (kind)
        {
            case OptimizerKind.Sgd:
                if (!(Momentum >= 0f && Momentum < 1f)) throw new OptionRangeException(nameof(Momentum), "--momentum", $"(SGD) must be in [0, 1), got {Momentum}.");
                break;
            case OptimizerKind.Adam:
                if (!(Beta1 is >= 0f and < 1f) || !(Beta2 is >= 0f and < 1f) || !(Epsilon > 0f))
                    throw new ArgumentException($"Adam needs 0 ≤ β₁, β₂ < 1 and ε > 0, got β₁={Beta1}, β₂={Beta2}, ε={Epsilon}.");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, $"not an optimizer: use {string.Join(", ", Kinds)}");
        }
    }
}
