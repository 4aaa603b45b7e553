using System.Globalization;
using NeuralPipelines.Models.Settings;

namespace NeuralPipelines.Models.Training;

/// <summary>The learning rate η for each epoch: constant, step decay (×factor every k epochs) or cosine annealing to zero.</summary>
public sealed record LearningRateSchedule(ScheduleKind Kind = ScheduleKind.Constant, int StepEvery = 10, float StepFactor = 0.5f)
{
    public static IReadOnlyList<string> Kinds => SettingNames.Names<ScheduleKind>();

    /// <summary>η for zero-based <paramref name="epoch"/> out of <paramref name="epochs"/>, from base rate <paramref name="baseRate"/>.</summary>
    public float RateAt(float baseRate, int epoch, int epochs) => Kind switch
    {
        ScheduleKind.Constant => baseRate,
        ScheduleKind.Step => baseRate * MathF.Pow(StepFactor, epoch / Math.Max(1, StepEvery)),
        ScheduleKind.Cosine => (float)(baseRate * 0.5 * (1 + Math.Cos(Math.PI * epoch / Math.Max(1, epochs)))),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "not a learning-rate schedule"),
    };

    /// <summary>Parses "constant", "cosine", "step" or "step:EVERY:FACTOR" (e.g. step:5:0.5).</summary>
    public static LearningRateSchedule Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        var ci = CultureInfo.InvariantCulture;
        switch (parts[0])
        {
            case "constant" when parts.Length == 1: return new(ScheduleKind.Constant);
            case "cosine" when parts.Length == 1: return new(ScheduleKind.Cosine);
            case "step" when parts.Length == 1: return new(ScheduleKind.Step);
            case "step" when parts.Length == 3 && int.TryParse(parts[1], ci, out int every) && every > 0
                                               && float.TryParse(parts[2], ci, out float factor) && factor > 0 && float.IsFinite(factor):
                return new(ScheduleKind.Step, every, factor);
            // A known kind with numbers out of range was called "unknown".
            case "step" when parts.Length == 3:
                throw new FormatException($"Learning-rate schedule '{text}': in step:EVERY:FACTOR, EVERY must be a whole number ≥ 1 and FACTOR a finite number > 0.");
            default:
                throw new FormatException($"Unknown learning-rate schedule '{text}': use constant, cosine, step or step:EVERY:FACTOR.");
        }
    }

    public override string ToString() => Kind == ScheduleKind.Step
        ? $"step:{StepEvery}:{StepFactor.ToString(CultureInfo.InvariantCulture)}"
        : SettingNames.Name(Kind);
}
