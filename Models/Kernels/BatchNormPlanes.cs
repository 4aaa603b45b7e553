using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralPipelines.Models.Kernels;

/// <summary>Batch normalisation's per-plane sweeps, each one pass over the plane instead of library calls: forward
/// x̂ = (x − μ)·(1/σ), y = γ·x̂ + β (from x − μ in training, from x itself in inference); backward
/// ∂C/∂x = γ/σ·δ + (x̂·a + b) with a = −γ/σ·mean(δ·x̂), b = −γ/σ·mean(δ).</summary>
/// <remarks>
/// Why: pix2pix's U-Net normalises 512 channels of 16 planes at 4×4 and 2×2, where each library call costs more than its
/// 4 or 16 floats, and its larger planes were read and written twice per sweep. Same bits as the plain twins (and as the
/// library calls they replace): the multiply, the FMA of the affine map and the unfused multiply-add happen per lane in
/// the same order.
/// </remarks>
public static class BatchNormPlanes
{
    /// <summary>x̂ ← x̂·inverseStd in place (x̂ holds x − μ on entry), y = FMA(x̂, γ, β).</summary>
    public static void Normalize(Span<float> centred, float inverseStd, float gamma, float beta, Span<float> y)
    {
        if (y.Length < centred.Length) throw new ArgumentException($"BatchNormPlanes.Normalize: output of {y.Length} floats for a plane of {centred.Length}.");
        ref float xr = ref MemoryMarshal.GetReference(centred);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var inv = Vector256.Create(inverseStd); var g = Vector256.Create(gamma); var b = Vector256.Create(beta);
            for (; i + 8 <= centred.Length; i += 8)
            {
                var xh = Vector256.LoadUnsafe(ref xr, (nuint)i) * inv;
                xh.StoreUnsafe(ref xr, (nuint)i);
                Vector256.FusedMultiplyAdd(xh, g, b).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        NormalizeReference(centred[i..], inverseStd, gamma, beta, y[i..]);
    }

    /// <summary>The plain twin of <see cref="Normalize"/>.</summary>
    public static void NormalizeReference(Span<float> centred, float inverseStd, float gamma, float beta, Span<float> y)
    {
        for (int i = 0; i < centred.Length; i++)
        {
            centred[i] *= inverseStd;
            y[i] = MathF.FusedMultiplyAdd(centred[i], gamma, beta);
        }
    }

    /// <summary>Inference's sweep of one plane straight from x: x̂ = (x − μ)·inverseStd, y = FMA(x̂, γ, β).</summary>
    /// <remarks>One pass and no library call: the U-Net's 2×2 and 4×4 planes (4 and 16 floats, 16,384 of them in a
    /// batch-64 layer) spent more on two calls per plane than on their floats. The subtraction, the multiply and the FMA
    /// are those of <see cref="Normalize"/> after a library subtraction, per lane in the same order: the same bits.</remarks>
    public static unsafe void NormalizeFrom(float* x, float mean, float inverseStd, float gamma, float beta, float* normalized, float* y, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && length >= 8)
        {
            var mu = Vector256.Create(mean); var inv = Vector256.Create(inverseStd); var g = Vector256.Create(gamma); var b = Vector256.Create(beta);
            for (; i + 8 <= length; i += 8)
            {
                var xh = (Vector256.Load(x + i) - mu) * inv;
                xh.Store(normalized + i);
                Vector256.FusedMultiplyAdd(xh, g, b).Store(y + i);
            }
        }
        for (; i < length; i++)
        {
            float xh = (x[i] - mean) * inverseStd;
            normalized[i] = xh;
            y[i] = MathF.FusedMultiplyAdd(xh, gamma, beta);
        }
    }

    /// <summary>The plain twin of <see cref="NormalizeFrom"/>.</summary>
    public static void NormalizeFromReference(ReadOnlySpan<float> x, float mean, float inverseStd, float gamma, float beta, Span<float> normalized, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            normalized[i] = (x[i] - mean) * inverseStd;
            y[i] = MathF.FusedMultiplyAdd(normalized[i], gamma, beta);
        }
    }

    /// <summary>dx = δ·scale + FMA(x̂, a, b): the training-mode input gradient of one plane.</summary>
    public static void InputGradient(ReadOnlySpan<float> normalized, ReadOnlySpan<float> dy, float a, float b, float scale, Span<float> dx)
    {
        if (dy.Length < normalized.Length || dx.Length < normalized.Length)
            throw new ArgumentException($"BatchNormPlanes.InputGradient: {normalized.Length} normalised values, {dy.Length} gradients, {dx.Length} outputs.");
        ref float xr = ref MemoryMarshal.GetReference(normalized);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a); var vb = Vector256.Create(b); var vs = Vector256.Create(scale);
            for (; i + 8 <= normalized.Length; i += 8)
            {
                var affine = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), va, vb);
                (Vector256.LoadUnsafe(ref dyr, (nuint)i) * vs + affine).StoreUnsafe(ref dxr, (nuint)i);
            }
        }
        InputGradientReference(normalized[i..], dy[i..], a, b, scale, dx[i..]);
    }

    /// <summary>The plain twin of <see cref="InputGradient"/>.</summary>
    public static void InputGradientReference(ReadOnlySpan<float> normalized, ReadOnlySpan<float> dy, float a, float b, float scale, Span<float> dx)
    {
        for (int i = 0; i < normalized.Length; i++) dx[i] = dy[i] * scale + MathF.FusedMultiplyAdd(normalized[i], a, b);
    }
}
