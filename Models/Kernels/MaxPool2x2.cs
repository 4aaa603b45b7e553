using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// Max pooling over 2×2 windows at stride 2 without padding (LeNet's and most networks' pool), one plane at a time: the
/// maxima and their winners. <see cref="Pooling.MaxForward"/> calls it for that geometry; the plain twin is
/// <see cref="PoolingReference.MaxForward"/>.
/// </summary>
/// <remarks>
/// <para>Why: the general window loop clips every window to the plane and walks it tap by tap, about 25 ns an output;
/// in a LeNet-5 training step the two pools took a third of the step's CPU time, most of it in mispredicted branches (which
/// pixel wins is data, not pattern). Here eight outputs (four in rows narrower than eight) are one vector step without
/// branches: the window's four pixels are the even and odd lanes of the top and bottom rows, dealt apart with shuffles.</para>
/// <para>The same bits as the twin: each window compares its pixels in the twin's order (top left, top right, bottom
/// left, bottom right) with the same strict "greater than", so ties and NaN keep the first pixel, lane by lane. A row
/// whose width is not a multiple of eight ends with a vector step that overlaps the one before (it writes the same
/// values again); rows narrower than four outputs, and the scalar width (<see cref="SimdWidth"/>), run the plain loop.</para>
/// <para>The backward pass stays <see cref="Pooling.MaxBackward"/>'s clear-and-add: a vector version that wrote each
/// pixel once measured no faster on LeNet's first pool and slower on its second (rows of five), so it was dropped.</para>
/// </remarks>
internal static unsafe class MaxPool2x2
{
    private const int Lanes = 8;

    public static bool Suits(Im2ColGeometry g) =>
        g is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadH: 0, PadW: 0, DilationH: 1, DilationW: 1 };

    /// <summary>Outputs a vector step covers in a row <paramref name="outWidth"/> wide: eight, or four for rows of four to
    /// seven (LeNet's second pool has rows of five), or 0 for the plain loop.</summary>
    private static int Step(int outWidth) =>
        SimdWidth.Current == SimdPath.Scalar || !Avx2.IsSupported ? 0 : outWidth >= Lanes ? Lanes : outWidth >= 4 ? 4 : 0;

    /// <summary>Plane <paramref name="plane"/>'s maxima into y and the index (in x) of each window's winner.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(float* x, Im2ColGeometry g, int plane, float* y, int* winners)
    {
        int w = g.Width, oh = g.OutHeight, ow = g.OutWidth;
        int inBase = plane * g.Height * w, outBase = plane * oh * ow;
        int step = Step(ow);
        for (int i = 0; i < oh; i++)
        {
            int top = inBase + 2 * i * w, at = outBase + i * ow;
            if (step > 0)
                for (int c = 0; ; c += step)
                {
                    if (c > ow - step) c = ow - step;
                    if (step == Lanes) Forward8(x, top + 2 * c, w, y + at + c, winners + at + c);
                    else Forward4(x, top + 2 * c, w, y + at + c, winners + at + c);
                    if (c == ow - step) break;
                }
            else
                for (int c = 0; c < ow; c++)
                {
                    int k = top + 2 * c, best = k;
                    if (x[k + 1] > x[best]) best = k + 1;
                    if (x[k + w] > x[best]) best = k + w;
                    if (x[k + w + 1] > x[best]) best = k + w + 1;
                    y[at + c] = x[best];
                    winners[at + c] = best;
                }
        }
    }

    // Eight windows whose top-left pixels are x[k], x[k + 2], …, x[k + 14].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Forward8(float* x, int k, int w, float* y, int* winners)
    {
        var (topLeft, topRight) = Deal(x + k);
        var (bottomLeft, bottomRight) = Deal(x + k + w);
        var index = Vector256.Create(k) + Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        var max = topLeft; var best = index;
        var more = Vector256.GreaterThan(topRight, max);
        max = Vector256.ConditionalSelect(more, topRight, max); best = Vector256.ConditionalSelect(more.AsInt32(), index + Vector256.Create(1), best);
        more = Vector256.GreaterThan(bottomLeft, max);
        max = Vector256.ConditionalSelect(more, bottomLeft, max); best = Vector256.ConditionalSelect(more.AsInt32(), index + Vector256.Create(w), best);
        more = Vector256.GreaterThan(bottomRight, max);
        max = Vector256.ConditionalSelect(more, bottomRight, max); best = Vector256.ConditionalSelect(more.AsInt32(), index + Vector256.Create(w + 1), best);
        max.Store(y);
        best.Store(winners);
    }

    // Four windows whose top-left pixels are x[k], x[k + 2], x[k + 4], x[k + 6]: the same steps on 128-bit vectors.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Forward4(float* x, int k, int w, float* y, int* winners)
    {
        var (topLeft, topRight) = Deal4(x + k);
        var (bottomLeft, bottomRight) = Deal4(x + k + w);
        var index = Vector128.Create(k) + Vector128.Create(0, 2, 4, 6);
        var max = topLeft; var best = index;
        var more = Vector128.GreaterThan(topRight, max);
        max = Vector128.ConditionalSelect(more, topRight, max); best = Vector128.ConditionalSelect(more.AsInt32(), index + Vector128.Create(1), best);
        more = Vector128.GreaterThan(bottomLeft, max);
        max = Vector128.ConditionalSelect(more, bottomLeft, max); best = Vector128.ConditionalSelect(more.AsInt32(), index + Vector128.Create(w), best);
        more = Vector128.GreaterThan(bottomRight, max);
        max = Vector128.ConditionalSelect(more, bottomRight, max); best = Vector128.ConditionalSelect(more.AsInt32(), index + Vector128.Create(w + 1), best);
        max.Store(y);
        best.Store(winners);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Even, Vector128<float> Odd) Deal4(float* p)
    {
        var a = Sse.LoadVector128(p); var b = Sse.LoadVector128(p + 4);
        return (Sse.Shuffle(a, b, 0b10_00_10_00), Sse.Shuffle(a, b, 0b11_01_11_01));
    }

    /// <summary>Sixteen consecutive pixels dealt into their even and odd ones (each in order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) Deal(float* p)
    {
        var a = Avx.LoadVector256(p); var b = Avx.LoadVector256(p + Lanes);
        // Within each 128-bit half: [a0 a2 b0 b2 | a4 a6 b4 b6]; the 64-bit permute puts the halves' pairs in order.
        var even = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
        var odd = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
        return (even, odd);
    }
}
