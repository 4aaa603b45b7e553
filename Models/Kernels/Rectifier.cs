using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The ReLU's two loops: a = max(0, z), and δ = ∂C/∂a ⊙ σ'(z) read from the output (positive exactly where z was).</summary>
/// <remarks>The mask runs eight lanes at a time: a per-element branch on activations that are positive about half the time
/// mispredicts so often that it cost 30× this loop. Same bits as the plain twins (<see cref="ForwardReference"/>,
/// <see cref="MaskReference"/>): each lane keeps δ or writes zero.</remarks>
public static class Rectifier
{
    public static void Forward(ReadOnlySpan<float> z, Span<float> a) => TensorPrimitives.Max(z, 0f, a);

    /// <summary>dx = dy where y &gt; 0, else 0.</summary>
    public static void Mask(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        if (y.Length < dx.Length || dy.Length < dx.Length)
            throw new ArgumentException($"Rectifier.Mask: {dx.Length} gradients from {dy.Length} values of ∂C/∂a and {y.Length} outputs.");
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= dx.Length; i += 8)
            {
                var positive = Vector256.GreaterThan(Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256<float>.Zero);
                Vector256.BitwiseAnd(Vector256.LoadUnsafe(ref dyr, (nuint)i), positive).StoreUnsafe(ref dxr, (nuint)i);
            }
        MaskReference(y[i..], dy[i..], dx[i..]);
    }

    /// <summary>The plain twin of <see cref="Forward"/>.</summary>
    public static void ForwardReference(ReadOnlySpan<float> z, Span<float> a)
    {
        for (int i = 0; i < z.Length; i++) a[i] = z[i] > 0f ? z[i] : 0f;
    }

    /// <summary>The plain twin of <see cref="Mask"/>.</summary>
    public static void MaskReference(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
    }
}
