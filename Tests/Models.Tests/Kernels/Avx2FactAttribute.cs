using System.Runtime.Intrinsics.X86;
using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The fact form of <see cref="Avx2TheoryAttribute"/>: skipped, with the reason, where the AVX2 kernels never run.</summary>
public sealed class Avx2FactAttribute : FactAttribute
{
    public Avx2FactAttribute()
    {
        if (!Avx2.IsSupported || !Fma.IsSupported)
            Skip = "This CPU has no AVX2/FMA: the direct convolution kernels cannot run here (their callers take the im2col route).";
        else if (SimdWidth.Current == SimdPath.Scalar)
            Skip = "NP_SIMD=scalar: the direct convolution kernels step aside (their callers take the im2col route).";
    }
}
