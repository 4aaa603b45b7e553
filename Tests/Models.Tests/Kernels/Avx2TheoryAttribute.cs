using System.Runtime.Intrinsics.X86;
using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>A theory about a kernel written with AVX2 and FMA: skipped, with the reason, on a CPU without them or under NP_SIMD=scalar, where the
/// kernel never runs (its callers take the reference route), instead of passing rows that checked nothing.</summary>
public sealed class Avx2TheoryAttribute : TheoryAttribute
{
    public Avx2TheoryAttribute() => Skip = SkipReason;

    /// <summary>Why an AVX2 kernel's test cannot run here; null where it can.</summary>
    public static string? SkipReason =>
        !Avx2.IsSupported || !Fma.IsSupported
            ? "This CPU has no AVX2/FMA: the direct convolution kernels cannot run here (their callers take the im2col route)."
            : SimdWidth.Current == SimdPath.Scalar
                ? "NP_SIMD=scalar: the direct convolution kernels step aside (their callers take the im2col route)."
                : null;
}
