using System.Runtime.Intrinsics;

namespace NeuralPipelines.Models.Kernels;

/// <summary>Batch normalisation's per-plane sweeps, each one pass over the plane from the input x instead of library
/// calls: forward y = γ·x̂ + β with x̂ = (x − μ)·(1/σ); x̂ alone (for backward's Σδ·x̂); backward
/// ∂C/∂x = γ/σ·δ + (x̂·a + b) with a = −γ/σ·mean(δ·x̂), b = −γ/σ·mean(δ), x̂ recomputed on the way.</summary>
/// <remarks>
/// Why: pix2pix's U-Net normalises 512 channels of 16 planes at 4×4 and 2×2, where each library call costs more than its
/// 4 or 16 floats, and no x̂ tensor is kept between the passes (<see cref="BatchNormChannels"/>). Every sweep computes
/// x̂ the same way, the subtraction then the multiply per lane, so x̂ has the same bits wherever it is computed, and
/// the FMA of the affine map and the unfused multiply-add of ∂C/∂x follow in the same order as in the plain twins.
/// </remarks>
public static unsafe class BatchNormPlanes
{
    /// <summary>y = FMA((x − μ)·inverseStd, γ, β) over <paramref name="length"/> floats.</summary>
    public static void NormalizeFrom(float* x, float mean, float inverseStd, float gamma, float beta, float* y, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && length >= 8)
        {
            var mu = Vector256.Create(mean); var inv = Vector256.Create(inverseStd); var g = Vector256.Create(gamma); var b = Vector256.Create(beta);
            for (; i + 8 <= length; i += 8)
                Vector256.FusedMultiplyAdd((Vector256.Load(x + i) - mu) * inv, g, b).Store(y + i);
        }
        for (; i < length; i++) y[i] = MathF.FusedMultiplyAdd((x[i] - mean) * inverseStd, gamma, beta);
    }

    /// <summary>The plain twin of <see cref="NormalizeFrom"/>.</summary>
    public static void NormalizeFromReference(ReadOnlySpan<float> x, float mean, float inverseStd, float gamma, float beta, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float normalized = (x[i] - mean) * inverseStd;
            y[i] = MathF.FusedMultiplyAdd(normalized, gamma, beta);
        }
    }

    /// <summary>x̂ = (x − μ)·inverseStd over <paramref name="length"/> floats.</summary>
    public static void Normalized(float* x, float mean, float inverseStd, float* normalized, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && length >= 8)
        {
            var mu = Vector256.Create(mean); var inv = Vector256.Create(inverseStd);
            for (; i + 8 <= length; i += 8) ((Vector256.Load(x + i) - mu) * inv).Store(normalized + i);
        }
        for (; i < length; i++) normalized[i] = (x[i] - mean) * inverseStd;
    }

    /// <summary>The plain twin of <see cref="Normalized"/>.</summary>
    public static void NormalizedReference(ReadOnlySpan<float> x, float mean, float inverseStd, Span<float> normalized)
    {
        for (int i = 0; i < x.Length; i++) normalized[i] = (x[i] - mean) * inverseStd;
    }

    /// <summary>dx = δ·scale + FMA(x̂, a, b) with x̂ = (x − μ)·inverseStd: the training-mode input gradient of one plane.</summary>
    public static void InputGradientFrom(float* x, float mean, float inverseStd, float* dy, float a, float b, float scale, float* dx, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && length >= 8)
        {
            var mu = Vector256.Create(mean); var inv = Vector256.Create(inverseStd);
            var va = Vector256.Create(a); var vb = Vector256.Create(b); var vs = Vector256.Create(scale);
            for (; i + 8 <= length; i += 8)
            {
                var affine = Vector256.FusedMultiplyAdd((Vector256.Load(x + i) - mu) * inv, va, vb);
                (Vector256.Load(dy + i) * vs + affine).Store(dx + i);
            }
        }
        for (; i < length; i++) dx[i] = dy[i] * scale + MathF.FusedMultiplyAdd((x[i] - mean) * inverseStd, a, b);
    }

    /// <summary>The plain twin of <see cref="InputGradientFrom"/>.</summary>
    public static void InputGradientFromReference(ReadOnlySpan<float> x, float mean, float inverseStd, ReadOnlySpan<float> dy,
        float a, float b, float scale, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float normalized = (x[i] - mean) * inverseStd;
            dx[i] = dy[i] * scale + MathF.FusedMultiplyAdd(normalized, a, b);
        }
    }
}
