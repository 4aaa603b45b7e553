using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>A theory for one SIMD width, skipped where the machine cannot run it (as <see cref="WidthFactAttribute"/>).</summary>
public sealed class WidthTheoryAttribute : TheoryAttribute
{
    public WidthTheoryAttribute(SimdPath width) => Skip = WidthFactAttribute.SkipReason(width);
}
