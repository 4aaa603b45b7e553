using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The leaky ReLU's two loops, a = z or αz and δ = ∂C/∂a or α·∂C/∂a by the sign of z, eight lanes at a time.</summary>
/// <remarks>A per-element branch on activations that are positive about half the time mispredicts so often that the
/// plain loops below (<see cref="ForwardReference"/>, <see cref="BackwardReference"/>, which the tests compare against) cost
/// 10–20× these: a DCGAN discriminator's 0.8 M-float activations took 5 ms forward. Same bits: each lane computes z or α·z.</remarks>
public static class LeakyRectifier
{
    public static void Forward(ReadOnlySpan<float> z, float slope, Span<float> a)
    {
        if (a.Length < z.Length) throw new ArgumentException($"LeakyRectifier: output of {a.Length} floats is shorter than the input of {z.Length}.");
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float ar = ref MemoryMarshal.GetReference(a);
        var s = Vector256.Create(slope);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= z.Length; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref zr, (nuint)i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * s).StoreUnsafe(ref ar, (nuint)i);
            }
        for (; i < z.Length; i++) a[i] = z[i] > 0f ? z[i] : slope * z[i];
    }

    /// <summary>dx = dy where z &gt; 0, else α·dy (σ'(z) of the leaky ReLU).</summary>
    public static void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> dy, float slope, Span<float> dx)
    {
        if (dy.Length < dx.Length || z.Length < dx.Length) throw new ArgumentException($"LeakyRectifier: {dx.Length} gradients from {dy.Length} values of ∂C/∂a and {z.Length} inputs.");
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        var s = Vector256.Create(slope);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= dx.Length; i += 8)
            {
                var d = Vector256.LoadUnsafe(ref dyr, (nuint)i);
                var positive = Vector256.GreaterThan(Vector256.LoadUnsafe(ref zr, (nuint)i), Vector256<float>.Zero);
                Vector256.ConditionalSelect(positive, d, d * s).StoreUnsafe(ref dxr, (nuint)i);
            }
        for (; i < dx.Length; i++) dx[i] = z[i] > 0f ? dy[i] : slope * dy[i];
    }

    /// <summary>The plain twin of <see cref="Forward"/>.</summary>
    public static void ForwardReference(ReadOnlySpan<float> z, float slope, Span<float> a)
    {
        for (int i = 0; i < z.Length; i++) a[i] = z[i] > 0f ? z[i] : slope * z[i];
    }

    /// <summary>The plain twin of <see cref="Backward"/>.</summary>
    public static void BackwardReference(ReadOnlySpan<float> z, ReadOnlySpan<float> dy, float slope, Span<float> dx)
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = z[i] > 0f ? dy[i] : slope * dy[i];
    }
}
