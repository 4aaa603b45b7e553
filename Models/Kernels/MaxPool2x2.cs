using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// Max pooling over 2×2 windows at stride 2 without padding (LeNet's and most networks' pool), one plane at a time:
/// the maxima with their winners (forward) and δ routed back to the winners (backward). <see cref="Pooling"/> calls it
/// for that geometry; the plain twin is <see cref="PoolingReference"/>.
/// </summary>
/// <remarks>
/// <para>Why: the general window loop clips every window to the plane and walks it tap by tap, about 25 ns an output;
/// in a LeNet-5 training step the two pools took a third of the step's CPU time. Here eight outputs are one vector step:
/// the window's four pixels are the even and odd lanes of the top and bottom rows, dealt apart with two shuffles.</para>
/// <para>The same bits as the twin: each window compares its pixels in the twin's order (top left, top right, bottom
/// left, bottom right) with the same strict "greater than", so ties and NaN keep the first pixel, lane by lane. A row
/// whose width is not a multiple of eight ends with a vector step that overlaps the one before (it writes the same
/// values again); rows narrower than eight outputs, and the scalar width (<see cref="SimdWidth"/>), run the plain loop.</para>
/// <para>Backward writes every pixel of a plane once (δ at the winner, zero elsewhere) instead of clearing the plane and
/// adding δ at the winners; the winner's value is 0 + δ, as the twin's sum, so −0 becomes +0 there too. Planes with an
/// odd height or width (a row or column no window covers) keep the clear-and-add loop.</para>
/// </remarks>
internal static unsafe class MaxPool2x2
{
    private const int Lanes = 8;

    public static bool Suits(Im2ColGeometry g) =>
        g is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadH: 0, PadW: 0, DilationH: 1, DilationW: 1 };

    private static bool Vectors(int outWidth) => outWidth >= Lanes && SimdWidth.Current != SimdPath.Scalar && Avx2.IsSupported;

    /// <summary>Plane <paramref name="plane"/>'s maxima into y and the index (in x) of each window's winner.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(float* x, Im2ColGeometry g, int plane, float* y, int* winners)
    {
        int w = g.Width, oh = g.OutHeight, ow = g.OutWidth;
        int inBase = plane * g.Height * w, outBase = plane * oh * ow;
        bool vectors = Vectors(ow);
        for (int i = 0; i < oh; i++)
        {
            int top = inBase + 2 * i * w, at = outBase + i * ow;
            if (vectors)
                for (int c = 0; ; c += Lanes)
                {
                    if (c > ow - Lanes) c = ow - Lanes;
                    Forward8(x, top + 2 * c, w, y + at + c, winners + at + c);
                    if (c == ow - Lanes) break;
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

    /// <summary>Sixteen consecutive pixels dealt into their even and odd ones (each in order).</summary>
    private static (Vector256<float> Even, Vector256<float> Odd) Deal(float* p)
    {
        var a = Avx.LoadVector256(p); var b = Avx.LoadVector256(p + Lanes);
        // Within each 128-bit half: [a0 a2 b0 b2 | a4 a6 b4 b6]; the 64-bit permute puts the halves' pairs in order.
        var even = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
        var odd = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
        return (even, odd);
    }

    /// <summary>Plane <paramref name="plane"/> of dx: each window's δ at its winner, zero elsewhere (overwritten).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(float* dy, int* winners, Im2ColGeometry g, int plane, float* dx)
    {
        int h = g.Height, w = g.Width, oh = g.OutHeight, ow = g.OutWidth;
        int inBase = plane * h * w, outBase = plane * oh * ow;
        if (h % 2 != 0 || w % 2 != 0)
        {
            // Pixels outside every window stay zero: clear, then add at the winners (the twin's loop).
            new Span<float>(dx + inBase, h * w).Clear();
            for (int k = outBase; k < outBase + oh * ow; k++) dx[winners[k]] += dy[k];
            return;
        }
        bool vectors = Vectors(ow);
        for (int i = 0; i < oh; i++)
        {
            int top = inBase + 2 * i * w, at = outBase + i * ow;
            if (vectors)
                for (int c = 0; ; c += Lanes)
                {
                    if (c > ow - Lanes) c = ow - Lanes;
                    Backward8(dy + at + c, winners + at + c, top + 2 * c, w, dx);
                    if (c == ow - Lanes) break;
                }
            else
                for (int c = 0; c < ow; c++)
                {
                    int k = top + 2 * c, win = winners[at + c];
                    float d = 0f + dy[at + c];
                    dx[k] = win == k ? d : 0f;
                    dx[k + 1] = win == k + 1 ? d : 0f;
                    dx[k + w] = win == k + w ? d : 0f;
                    dx[k + w + 1] = win == k + w + 1 ? d : 0f;
                }
        }
    }

    private static void Backward8(float* dy, int* winners, int k, int w, float* dx)
    {
        var d = Vector256.Load(dy) + Vector256<float>.Zero;
        var index = Vector256.Create(k) + Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        var win = Vector256.Load(winners);
        var topLeft = Vector256.BitwiseAnd(d, Vector256.Equals(win, index).AsSingle());
        var topRight = Vector256.BitwiseAnd(d, Vector256.Equals(win, index + Vector256.Create(1)).AsSingle());
        var bottomLeft = Vector256.BitwiseAnd(d, Vector256.Equals(win, index + Vector256.Create(w)).AsSingle());
        var bottomRight = Vector256.BitwiseAnd(d, Vector256.Equals(win, index + Vector256.Create(w + 1)).AsSingle());
        Weave(topLeft, topRight, dx + k);
        Weave(bottomLeft, bottomRight, dx + k + w);
    }

    /// <summary>Stores even and odd lanes woven back into sixteen consecutive floats (the inverse of <see cref="Deal"/>).</summary>
    private static void Weave(Vector256<float> even, Vector256<float> odd, float* p)
    {
        // Within each 128-bit half: low = [e0 o0 e1 o1 | e4 o4 e5 o5], high = [e2 o2 e3 o3 | e6 o6 e7 o7].
        var low = Avx.UnpackLow(even, odd); var high = Avx.UnpackHigh(even, odd);
        Avx.Store(p, Avx.Permute2x128(low, high, 0x20));
        Avx.Store(p + Lanes, Avx.Permute2x128(low, high, 0x31));
    }
}
