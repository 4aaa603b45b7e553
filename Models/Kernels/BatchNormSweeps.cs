using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralPipelines.Models.Kernels;

/// <summary>Batch normalisation's work on one plane (one image's channel), inlined into passes that walk an NCHW tensor in
/// memory order: the plane's sum and its squares about its own mean, y = γ·x̂ + β with the activation after it, and
/// backward's sums with the activation's derivative before them. Each plane's sums are taken in float lanes; the caller
/// adds them per channel in double, in image order, so the bits do not depend on the threads.</summary>
/// <remarks>
/// Why: <see cref="BatchNormChannels"/> had walked channel by channel, a plane of each image in turn, with five library
/// calls a plane. On 7×7 planes (ResNet-8's last stage, the DCGAN's discriminator, the PatchGAN) the calls cost more
/// than their 49 floats, every plane began a new stretch of memory 25 KB past the last (no stream for the prefetcher),
/// and a fused batch norm + activation ran slower than the two layers apart. In memory order each pass is one stream
/// per tensor, and a plane costs one inlined loop.
/// The element operations are those of the kernels the layers run apart (<see cref="BatchNormPlanes"/>,
/// <see cref="Rectifier"/>, <see cref="LeakyRectifier"/>): x̂ = (x − μ)·(1/σ) as a subtraction then a multiply,
/// y = FMA(x̂, γ, β), a = max(y, 0) or y / α·y, δ = δ_a where a &gt; 0 or δ_a / α·δ_a by the sign of y; so a fused sweep
/// gives the bits of the batch norm then the activation. A plane's last partial vector is the vector that ends at its last
/// float: the sums mask the lanes already counted, and the elementwise maps write those lanes again with the same values
/// (so the outputs must not overlap the inputs). <c>vectors</c>: whether to use <c>Vector256</c> (the caller's
/// <see cref="Vectors"/>), else plain loops, the same arithmetic lane by lane.
/// </remarks>
internal static unsafe class BatchNormSweeps
{
    /// <summary>Whether the sweeps run on vectors now: 256 bits with FMA, unless <see cref="SimdWidth"/> asks for scalar.</summary>
    public static bool Vectors => SimdWidth.Current != SimdPath.Scalar && Vector256.IsHardwareAccelerated;

    /// <summary>Lane i is all ones where i ≥ 8 − r: the last r lanes of the vector that ends at a plane's last float.</summary>
    private static Vector256<float> LastLanes(int r) =>
        Vector256.GreaterThanOrEqual(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(8 - r)).AsSingle();

    /// <summary>The plane's sum, and the sum of its squares about its own mean sum/length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Moments(float* p, int length, bool vectors, out float sum, out float centredSquares)
    {
        int k = 0;
        float s = 0, q = 0;
        if (vectors && length >= 8)
        {
            var a0 = Vector256<float>.Zero; var a1 = Vector256<float>.Zero;
            for (; k + 16 <= length; k += 16) { a0 += Vector256.Load(p + k); a1 += Vector256.Load(p + k + 8); }
            if (k + 8 <= length) { a0 += Vector256.Load(p + k); k += 8; }
            int rest = length - k;
            var last = rest > 0 ? Vector256.BitwiseAnd(Vector256.Load(p + length - 8), LastLanes(rest)) : Vector256<float>.Zero;
            s = Vector256.Sum(a0 + a1 + last);
            var mu = Vector256.Create(s / length);
            a0 = Vector256<float>.Zero; a1 = Vector256<float>.Zero;
            for (k = 0; k + 16 <= length; k += 16)
            {
                var d0 = Vector256.Load(p + k) - mu; var d1 = Vector256.Load(p + k + 8) - mu;
                a0 = Vector256.FusedMultiplyAdd(d0, d0, a0); a1 = Vector256.FusedMultiplyAdd(d1, d1, a1);
            }
            if (k + 8 <= length) { var d = Vector256.Load(p + k) - mu; a0 = Vector256.FusedMultiplyAdd(d, d, a0); }
            if (rest > 0)
            {
                var d = Vector256.BitwiseAnd(Vector256.Load(p + length - 8) - mu, LastLanes(rest));
                a1 = Vector256.FusedMultiplyAdd(d, d, a1);
            }
            sum = s;
            centredSquares = Vector256.Sum(a0 + a1);
            return;
        }
        for (; k < length; k++) s += p[k];
        float m = s / length;
        for (k = 0; k < length; k++) { float d = p[k] - m; q = MathF.FusedMultiplyAdd(d, d, q); }
        sum = s;
        centredSquares = q;
    }

    /// <summary>y = FMA((x − μ)·inverseStd, γ, β) over the plane, and a = σ(y) into <paramref name="a"/> when
    /// <paramref name="activation"/> is not none; y is not stored where <paramref name="y"/> is null (before a ReLU).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Normalize(float* x, float mean, float inverseStd, float gamma, float beta, float* y,
        PlaneActivation activation, float* a, int length, bool vectors)
    {
        bool rectifier = activation.IsRectifier, leaky = activation.IsLeaky;
        float slope = activation.Slope;
        if (vectors && length >= 8)
        {
            var mu = Vector256.Create(mean); var inv = Vector256.Create(inverseStd);
            var g = Vector256.Create(gamma); var b = Vector256.Create(beta); var s = Vector256.Create(slope);
            for (int k = 0; ; k += 8)
            {
                if (k + 8 > length) k = length - 8; // the last partial vector, again from its end
                var v = Vector256.FusedMultiplyAdd((Vector256.Load(x + k) - mu) * inv, g, b);
                if (y != null) v.Store(y + k);
                if (rectifier) Vector256.Max(v, Vector256<float>.Zero).Store(a + k);
                else if (leaky) Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * s).Store(a + k);
                if (k + 8 == length) return;
            }
        }
        for (int k = 0; k < length; k++)
        {
            float v = MathF.FusedMultiplyAdd((x[k] - mean) * inverseStd, gamma, beta);
            if (y != null) y[k] = v;
            if (rectifier) a[k] = MathF.Max(v, 0f);
            else if (leaky) a[k] = v > 0f ? v : slope * v;
        }
    }

    /// <summary>Σδ and Σδ·x̂ over the plane, x̂ = (x − μ)·inverseStd; when <paramref name="activation"/> is not none, δ is
    /// first written as δ_a ⊙ σ'(y) from the activation's input <paramref name="y"/>, its output <paramref name="a"/> and
    /// ∂C/∂a <paramref name="da"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GradientSums(float* dy, float* x, float mean, float inverseStd, PlaneActivation activation,
        float* y, float* a, float* da, int length, bool vectors, out float sumDy, out float sumDyXh)
    {
        bool rectifier = activation.IsRectifier, leaky = activation.IsLeaky;
        float slope = activation.Slope;
        if (vectors && length >= 8)
        {
            var mu = Vector256.Create(mean); var inv = Vector256.Create(inverseStd); var sl = Vector256.Create(slope);
            var vs = Vector256<float>.Zero; var vsx = Vector256<float>.Zero;
            var lanes = Vector256<float>.AllBitsSet;
            for (int k = 0; ; k += 8)
            {
                if (k + 8 > length) { lanes = LastLanes(length - k); k = length - 8; }
                Vector256<float> d;
                if (rectifier)
                    (d = Vector256.BitwiseAnd(Vector256.Load(da + k), Vector256.GreaterThan(Vector256.Load(a + k), Vector256<float>.Zero))).Store(dy + k);
                else if (leaky)
                {
                    var g = Vector256.Load(da + k);
                    (d = Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.Load(y + k), Vector256<float>.Zero), g, g * sl)).Store(dy + k);
                }
                else d = Vector256.Load(dy + k);
                d = Vector256.BitwiseAnd(d, lanes);
                vs += d;
                vsx = Vector256.FusedMultiplyAdd(d, (Vector256.Load(x + k) - mu) * inv, vsx);
                if (k + 8 == length) break;
            }
            sumDy = Vector256.Sum(vs);
            sumDyXh = Vector256.Sum(vsx);
            return;
        }
        float s = 0, sx = 0;
        for (int k = 0; k < length; k++)
        {
            float d = rectifier ? (dy[k] = a[k] > 0f ? da[k] : 0f)
                : leaky ? (dy[k] = y[k] > 0f ? da[k] : slope * da[k])
                : dy[k];
            s += d;
            sx = MathF.FusedMultiplyAdd(d, (x[k] - mean) * inverseStd, sx);
        }
        sumDy = s;
        sumDyXh = sx;
    }
}
