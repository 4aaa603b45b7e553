using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// The 256-bit tiles of <see cref="InputGradientByPhases"/>: a group of three to six pixels of one row and column parity,
/// 16 input channels at a time (two vectors a pixel; a 32-channel layer goes as two halves, each reading the whole of δ
/// again from L1). Six pixels are twelve accumulators, two kernel vectors and a broadcast: 15 of the 16 registers AVX2
/// has, so a row's pixels of a parity go as evenly as they split into groups of at most six (14 → 5, 5, 4; 7 → 4, 3).
/// </summary>
/// <remarks>Bits: the same chains in the same order as the 512-bit tiles (from zero, output channels in order, the taps
/// in order within each), so both widths give the same ∂C/∂x.</remarks>
public sealed unsafe partial class InputGradientByPhases
{
    private const int NarrowPixels = 6, NarrowLanes = 16;

    /// <summary>Groups of a row's <paramref name="pixels"/> of one parity at 256 bits: as even as they go, at most six.</summary>
    private static int NarrowGroups(int pixels) => (pixels + NarrowPixels - 1) / NarrowPixels;

    /// <summary><paramref name="count"/> pixels (at most six) at 256 bits, each 16-channel half of the kernel in turn.</summary>
    private static void Narrow(in Taps taps, int tapCount, int c, int o, int ld, int count, float* to)
    {
        for (int half = 0; half < c; half += NarrowLanes)
        {
            var k = taps.KernelsFrom(half);
            switch ((tapCount, count))
            {
                case (1, <= 3): Pixels16Narrow<OneTap, ThreePixels>(k, o, c, ld, count, to + half, 2 * c); break;
                case (1, 4): Pixels16Narrow<OneTap, FourPixels>(k, o, c, ld, count, to + half, 2 * c); break;
                case (1, 5): Pixels16Narrow<OneTap, FivePixels>(k, o, c, ld, count, to + half, 2 * c); break;
                case (1, _): Pixels16Narrow<OneTap, SixPixels>(k, o, c, ld, count, to + half, 2 * c); break;
                case (2, <= 3): Pixels16Narrow<TwoTaps, ThreePixels>(k, o, c, ld, count, to + half, 2 * c); break;
                case (2, 4): Pixels16Narrow<TwoTaps, FourPixels>(k, o, c, ld, count, to + half, 2 * c); break;
                case (2, 5): Pixels16Narrow<TwoTaps, FivePixels>(k, o, c, ld, count, to + half, 2 * c); break;
                case (2, _): Pixels16Narrow<TwoTaps, SixPixels>(k, o, c, ld, count, to + half, 2 * c); break;
                case (_, <= 3): Pixels16Narrow<FourTaps, ThreePixels>(k, o, c, ld, count, to + half, 2 * c); break;
                case (_, 4): Pixels16Narrow<FourTaps, FourPixels>(k, o, c, ld, count, to + half, 2 * c); break;
                case (_, 5): Pixels16Narrow<FourTaps, FivePixels>(k, o, c, ld, count, to + half, 2 * c); break;
                default: Pixels16Narrow<FourTaps, SixPixels>(k, o, c, ld, count, to + half, 2 * c); break;
            }
        }
    }

    private struct ThreePixels : IPixelCount { public static int Count => 3; }
    private struct FourPixels : IPixelCount { public static int Count => 4; }
    private struct FivePixels : IPixelCount { public static int Count => 5; }
    private struct SixPixels : IPixelCount { public static int Count => 6; }

    /// <summary>Three to six pixels (<typeparamref name="TPixels"/>; the first <paramref name="count"/> stored, the others
    /// read on along δ's row and dropped) of 16 input channels: for each output channel and tap, the tap's two kernel
    /// vectors (<paramref name="kernelStep"/> floats on from one output channel to the next) against each pixel's δ;
    /// pixel r stored at to + r·<paramref name="step"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pixels16Narrow<TTaps, TPixels>(in Taps taps, int o, int kernelStep, int ld, int count, float* to, int step) where TTaps : struct, ITapCount where TPixels : struct, IPixelCount
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default;
        float* d0 = taps.D0, d1 = taps.D1, d2 = taps.D2, d3 = taps.D3, k0 = taps.K0, k1 = taps.K1, k2 = taps.K2, k3 = taps.K3;
        for (int q = 0; q < o; q++, d0 += ld, d1 += ld, d2 += ld, d3 += ld, k0 += kernelStep, k1 += kernelStep, k2 += kernelStep, k3 += kernelStep)
        {
            {
                var v = Avx.LoadVector256(k0); var u = Avx.LoadVector256(k0 + 8);
                Vector256<float> x;
                x = Vector256.Create(d0[0]); a0 = Fma.MultiplyAdd(x, v, a0); b0 = Fma.MultiplyAdd(x, u, b0);
                x = Vector256.Create(d0[1]); a1 = Fma.MultiplyAdd(x, v, a1); b1 = Fma.MultiplyAdd(x, u, b1);
                x = Vector256.Create(d0[2]); a2 = Fma.MultiplyAdd(x, v, a2); b2 = Fma.MultiplyAdd(x, u, b2);
                if (TPixels.Count > 3) { x = Vector256.Create(d0[3]); a3 = Fma.MultiplyAdd(x, v, a3); b3 = Fma.MultiplyAdd(x, u, b3); }
                if (TPixels.Count > 4) { x = Vector256.Create(d0[4]); a4 = Fma.MultiplyAdd(x, v, a4); b4 = Fma.MultiplyAdd(x, u, b4); }
                if (TPixels.Count > 5) { x = Vector256.Create(d0[5]); a5 = Fma.MultiplyAdd(x, v, a5); b5 = Fma.MultiplyAdd(x, u, b5); }
            }
            if (TTaps.Count > 1)
            {
                var v = Avx.LoadVector256(k1); var u = Avx.LoadVector256(k1 + 8);
                Vector256<float> x;
                x = Vector256.Create(d1[0]); a0 = Fma.MultiplyAdd(x, v, a0); b0 = Fma.MultiplyAdd(x, u, b0);
                x = Vector256.Create(d1[1]); a1 = Fma.MultiplyAdd(x, v, a1); b1 = Fma.MultiplyAdd(x, u, b1);
                x = Vector256.Create(d1[2]); a2 = Fma.MultiplyAdd(x, v, a2); b2 = Fma.MultiplyAdd(x, u, b2);
                if (TPixels.Count > 3) { x = Vector256.Create(d1[3]); a3 = Fma.MultiplyAdd(x, v, a3); b3 = Fma.MultiplyAdd(x, u, b3); }
                if (TPixels.Count > 4) { x = Vector256.Create(d1[4]); a4 = Fma.MultiplyAdd(x, v, a4); b4 = Fma.MultiplyAdd(x, u, b4); }
                if (TPixels.Count > 5) { x = Vector256.Create(d1[5]); a5 = Fma.MultiplyAdd(x, v, a5); b5 = Fma.MultiplyAdd(x, u, b5); }
            }
            if (TTaps.Count > 2)
            {
                var v = Avx.LoadVector256(k2); var u = Avx.LoadVector256(k2 + 8);
                Vector256<float> x;
                x = Vector256.Create(d2[0]); a0 = Fma.MultiplyAdd(x, v, a0); b0 = Fma.MultiplyAdd(x, u, b0);
                x = Vector256.Create(d2[1]); a1 = Fma.MultiplyAdd(x, v, a1); b1 = Fma.MultiplyAdd(x, u, b1);
                x = Vector256.Create(d2[2]); a2 = Fma.MultiplyAdd(x, v, a2); b2 = Fma.MultiplyAdd(x, u, b2);
                if (TPixels.Count > 3) { x = Vector256.Create(d2[3]); a3 = Fma.MultiplyAdd(x, v, a3); b3 = Fma.MultiplyAdd(x, u, b3); }
                if (TPixels.Count > 4) { x = Vector256.Create(d2[4]); a4 = Fma.MultiplyAdd(x, v, a4); b4 = Fma.MultiplyAdd(x, u, b4); }
                if (TPixels.Count > 5) { x = Vector256.Create(d2[5]); a5 = Fma.MultiplyAdd(x, v, a5); b5 = Fma.MultiplyAdd(x, u, b5); }
            }
            if (TTaps.Count > 3)
            {
                var v = Avx.LoadVector256(k3); var u = Avx.LoadVector256(k3 + 8);
                Vector256<float> x;
                x = Vector256.Create(d3[0]); a0 = Fma.MultiplyAdd(x, v, a0); b0 = Fma.MultiplyAdd(x, u, b0);
                x = Vector256.Create(d3[1]); a1 = Fma.MultiplyAdd(x, v, a1); b1 = Fma.MultiplyAdd(x, u, b1);
                x = Vector256.Create(d3[2]); a2 = Fma.MultiplyAdd(x, v, a2); b2 = Fma.MultiplyAdd(x, u, b2);
                if (TPixels.Count > 3) { x = Vector256.Create(d3[3]); a3 = Fma.MultiplyAdd(x, v, a3); b3 = Fma.MultiplyAdd(x, u, b3); }
                if (TPixels.Count > 4) { x = Vector256.Create(d3[4]); a4 = Fma.MultiplyAdd(x, v, a4); b4 = Fma.MultiplyAdd(x, u, b4); }
                if (TPixels.Count > 5) { x = Vector256.Create(d3[5]); a5 = Fma.MultiplyAdd(x, v, a5); b5 = Fma.MultiplyAdd(x, u, b5); }
            }
        }
        { Avx.Store(to, a0); Avx.Store(to + 8, b0); }
        if (count > 1) { Avx.Store(to + 1 * step, a1); Avx.Store(to + 1 * step + 8, b1); }
        if (count > 2) { Avx.Store(to + 2 * step, a2); Avx.Store(to + 2 * step + 8, b2); }
        if (count > 3) { Avx.Store(to + 3 * step, a3); Avx.Store(to + 3 * step + 8, b3); }
        if (count > 4) { Avx.Store(to + 4 * step, a4); Avx.Store(to + 4 * step + 8, b4); }
        if (count > 5) { Avx.Store(to + 5 * step, a5); Avx.Store(to + 5 * step + 8, b5); }
    }
}
