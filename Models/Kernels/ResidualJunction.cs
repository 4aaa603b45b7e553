namespace NeuralPipelines.Models.Kernels;

/// <summary>A residual block's junction followed by its activation: z = f + s and a = σ(z) in one pass, piece by piece,
/// each piece of z still in L1 when σ reads it back.</summary>
/// <remarks>Why: run as the two layers it is, the junction reads f and s and writes z, then the activation reads z and
/// writes a: five streams over the block's output, where this makes three (f, s, a) when z need not be kept (the ReLU's
/// derivative reads a alone), four otherwise. Each element goes through the two layers' own kernel calls (the sum, then
/// σ), so the bits are theirs; <see cref="ForwardReference"/> is the plain twin.</remarks>
public static class ResidualJunction
{
    // 8 KB: with f, s and a's pieces the working set stays well inside a 48 KB L1.
    private const int Piece = 2048;

    /// <summary>a = σ(f + s) (a = f + s with no activation), and z = f + s where <paramref name="z"/> is not empty; empty
    /// only for an activation whose derivative reads a alone (none or the ReLU).</summary>
    public static void Forward(ReadOnlySpan<float> f, ReadOnlySpan<float> s, PlaneActivation activation, Span<float> z, Span<float> a)
    {
        Check(f.Length, s.Length, activation, z.Length, a.Length);
        bool keep = !z.IsEmpty;
        for (int at = 0; at < a.Length; at += Piece)
        {
            int n = Math.Min(Piece, a.Length - at);
            var sum = keep ? z.Slice(at, n) : a.Slice(at, n);
            TensorPrimitives.Add(f.Slice(at, n), s.Slice(at, n), sum);
            if (!activation.IsNone) activation.Forward(sum, a.Slice(at, n));
            else if (keep) sum.CopyTo(a.Slice(at, n));
        }
    }

    /// <summary>The plain twin of <see cref="Forward"/>: the whole sum, then σ, one float at a time.</summary>
    public static void ForwardReference(ReadOnlySpan<float> f, ReadOnlySpan<float> s, PlaneActivation activation, Span<float> z, Span<float> a)
    {
        Check(f.Length, s.Length, activation, z.Length, a.Length);
        var sum = z.IsEmpty ? a : z;
        for (int i = 0; i < a.Length; i++) sum[i] = f[i] + s[i];
        if (!activation.IsNone) activation.ForwardReference(sum[..a.Length], a);
        else if (!z.IsEmpty) sum[..a.Length].CopyTo(a);
    }

    private static void Check(int f, int s, PlaneActivation activation, int z, int a)
    {
        if (f != a || s != a || (z != 0 && z != a))
            throw new ArgumentException($"ResidualJunction: the body gives {f} floats, the shortcut {s}, the sum has room for {z} and the activation for {a}; all must be equal (z may be empty).");
        if (z == 0 && a != 0 && activation.IsLeaky)
            throw new ArgumentException("ResidualJunction: a leaky ReLU's derivative reads z = f + s, so z must be kept (give its buffer).");
    }
}
