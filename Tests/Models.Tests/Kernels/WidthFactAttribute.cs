using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>A fact for one SIMD width (<see cref="SimdWidth"/>): skipped, with the reason, on a machine that cannot run
/// it, so every path a machine has is checked and the missing ones show in the report instead of passing silently.
/// (CI on a narrower machine still runs the narrower paths; <c>NP_SIMD</c> caps the width of everything else.)</summary>
public sealed class WidthFactAttribute : FactAttribute
{
    public WidthFactAttribute(SimdPath width) => Skip = SkipReason(width);

    /// <summary>Why a test of <paramref name="width"/> cannot run here; null where it can.</summary>
    public static string? SkipReason(SimdPath width) =>
        SimdWidth.Available(width) ? null : $"{width} is not accelerated on this machine (widest: {SimdWidth.Hardware}).";
}
