using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>Loads for the 512-bit tiles that the JIT does not find by itself.</summary>
internal static class WideLoads
{
    /// <summary>The eight floats at <paramref name="p"/> in both halves of a 512-bit register.</summary>
    /// <remarks>Why not <c>Vector512.Create(Vector256.Load(p))</c>: .NET 10 compiles that to a load and two
    /// <c>vinsertf32x8</c> into the register's previous value, two shuffles and a dependency on the last iteration per
    /// load; the ∂C/∂w tiles do three or four such loads per twelve FMAs and ran at under half the FMA ceiling. One
    /// <c>vbroadcastf64x4</c> from memory is a plain load on the load ports. Moving bits only: the results are the same.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> Twice(float* p) =>
        Avx512F.IsSupported ? Avx512F.BroadcastVector256ToVector512((double*)p).AsSingle() : Vector512.Create(Vector256.Load(p));
}
