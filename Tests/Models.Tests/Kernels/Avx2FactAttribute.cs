namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The fact form of <see cref="Avx2TheoryAttribute"/>: skipped, with the reason, where the AVX2 kernels never run.</summary>
public sealed class Avx2FactAttribute : FactAttribute
{
    public Avx2FactAttribute() => Skip = Avx2TheoryAttribute.SkipReason;
}
