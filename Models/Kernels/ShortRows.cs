using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralPipelines.Models.Kernels;

/// <summary>Copies of the short rows the convolution kernels move per image (plane rows of 7 to a few dozen floats): the
/// direct kernels' deals and outputs, im2col's stride-1 rows, the phase fold's planes dealt back, the implicit GEMM's
/// padded planes.</summary>
/// <remarks>Why not <c>Span.CopyTo</c>: that is a call into <c>memmove</c> per row, whose fixed cost was most of dealing a
/// 16-channel 28×28 image (448 rows of 28 floats) and of copying its δ, a fifth of ResNet-8's ∂C/∂w on those layers
/// (<c>race conv-widths</c>). Inline vector copies, the last one overlapping the one before, cost a few cycles a row.</remarks>
internal static class ShortRows
{
    private const int Lanes = 8, WideLanes = 16;

    /// <summary>Whether rows of 16 floats or more are copied with 512-bit vectors where <see cref="SimdWidth"/> is at 512
    /// bits (default); false for A/B timing (<c>race-cnn resnet --ab wide-rows</c>). A copy: the same bits.</summary>
    public static bool WideRows { get; set; } = true;

    // Asked at each row, not cached: the width tests switch SimdWidth within one process.
    private static bool Wide
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => WideRows && SimdWidth.Current == SimdPath.Vector512;
    }

    /// <summary>dst[k] = src[k] for k &lt; length; the two ranges must not overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Copy(float* src, float* dst, int length)
    {
        if (length < Lanes || !Vector256.IsHardwareAccelerated)
        {
            for (int k = 0; k < length; k++) dst[k] = src[k];
            return;
        }
        int i = 0;
        if (length >= WideLanes && Wide)
        {
            for (; i <= length - WideLanes; i += WideLanes) Vector512.Store(Vector512.Load(src + i), dst + i);
            if (i < length) Vector512.Store(Vector512.Load(src + length - WideLanes), dst + length - WideLanes);
            return;
        }
        for (; i <= length - Lanes; i += Lanes) Vector256.Store(Vector256.Load(src + i), dst + i);
        // The tail as one more vector ending at the row's end: it writes some floats twice, with the same values.
        if (i < length) Vector256.Store(Vector256.Load(src + length - Lanes), dst + length - Lanes);
    }

    /// <summary>dst[k] += src[k] for k &lt; length; the two ranges must not overlap. The tail goes one float at a time (an
    /// overlapping last vector would add some floats twice).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Add(float* src, float* dst, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= length - Lanes; i += Lanes) Vector256.Store(Vector256.Load(dst + i) + Vector256.Load(src + i), dst + i);
        for (; i < length; i++) dst[i] += src[i];
    }
}
