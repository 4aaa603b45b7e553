using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>A theory for one SIMD width: skipped, with the reason, where the machine cannot run it (as
/// <see cref="WidthFactAttribute"/>).</summary>
public sealed class WidthTheoryAttribute : TheoryAttribute
{
    public WidthTheoryAttribute(SimdPath width)
    {
        if (!SimdWidth.Available(width))
            Skip = $"{width} is not accelerated on this machine (widest: {SimdWidth.Hardware}).";
    }
}
