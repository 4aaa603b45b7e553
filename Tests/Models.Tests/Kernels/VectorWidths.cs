using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The vector widths of this machine (256 bits, and 512 where AVX-512 is), for the tests that check a kernel
/// with a tile at each width against the definition at every one of them.</summary>
internal static class VectorWidths
{
    public static IEnumerable<SimdPath> OnThisMachine => SimdWidth.AvailablePaths.Where(p => p != SimdPath.Scalar);
}
