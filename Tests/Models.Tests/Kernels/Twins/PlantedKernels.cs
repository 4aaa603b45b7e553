using System.Runtime.Intrinsics;

namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>Kernels planted to show the guards can fail: a vector loop nobody registered, a plain loop that is no fast
/// kernel, and a ReLU whose vector loop is right but whose scalar tail is wrong (it keeps negative values).</summary>
public static class PlantedKernels
{
    /// <summary>As if someone added a SIMD kernel to Models/Kernels and no line for it.</summary>
    public static class UnregisteredVectorLoop
    {
        public static void Scale(Span<float> x, float s)
        {
            int i = 0;
            for (; i + 8 <= x.Length; i += 8) (Vector256.Create(x.Slice(i, 8)) * s).CopyTo(x.Slice(i, 8));
            for (; i < x.Length; i++) x[i] *= s;
        }
    }

    /// <summary>A plain loop: nothing for the guard to ask about.</summary>
    public static class PlainLoop
    {
        public static void Scale(Span<float> x, float s)
        {
            for (int i = 0; i < x.Length; i++) x[i] *= s;
        }
    }

    /// <summary>max(0, z) eight lanes at a time, and a tail that forgets the max: wrong only at lengths off a multiple of eight.</summary>
    public static void ReluWithAWrongTail(ReadOnlySpan<float> z, Span<float> a)
    {
        int i = 0;
        for (; i + 8 <= z.Length; i += 8) Vector256.Max(Vector256.Create(z.Slice(i, 8)), Vector256<float>.Zero).CopyTo(a.Slice(i, 8));
        for (; i < z.Length; i++) a[i] = z[i];
    }
}
