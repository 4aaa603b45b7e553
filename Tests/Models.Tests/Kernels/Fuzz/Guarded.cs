namespace NeuralPipelines.Models.Tests.Kernels.Fuzz;

/// <summary>A buffer with sentinels on both sides of the span a kernel is given: a write past either end changes them
/// (<see cref="Trampled"/>), and as inputs the sentinels are NaN, so a kernel that reads past its span and uses what it
/// read turns its result NaN.</summary>
public sealed class Guarded
{
    /// <summary>Floats of sentinel on each side: more than one 512-bit vector and a 6-row tile's reach.</summary>
    public const int Margin = 67;

    // A quiet NaN with a payload no arithmetic makes: a write of any computed value, NaN included, changes it.
    private static readonly float Sentinel = BitConverter.Int32BitsToSingle(0x7FC0_1234);

    private readonly float[] _data;

    public int Length { get; }

    private Guarded(int length)
    {
        Length = length;
        _data = new float[length + 2 * Margin];
        _data.AsSpan(0, Margin).Fill(Sentinel);
        _data.AsSpan(Margin + length).Fill(Sentinel);
    }

    /// <summary>A guarded copy of <paramref name="values"/>.</summary>
    public static Guarded Of(float[] values)
    {
        var g = new Guarded(values.Length);
        values.CopyTo(g.Span);
        return g;
    }

    /// <summary>A guarded buffer of NaN: every element the kernel should write must be written.</summary>
    public static Guarded Unwritten(long length)
    {
        var g = new Guarded(checked((int)length));
        g.Span.Fill(float.NaN);
        return g;
    }

    public Span<float> Span => _data.AsSpan(Margin, Length);

    public float[] ToArray() => Span.ToArray();

    /// <summary>"before [i]" or "past the end [i]" for the first sentinel changed, or null.</summary>
    public string? Trampled()
    {
        int sentinel = BitConverter.SingleToInt32Bits(Sentinel);
        for (int i = 0; i < Margin; i++)
            if (BitConverter.SingleToInt32Bits(_data[i]) != sentinel) return $"wrote {Margin - i} floats before its span";
        for (int i = Margin + Length; i < _data.Length; i++)
            if (BitConverter.SingleToInt32Bits(_data[i]) != sentinel) return $"wrote {i - Margin - Length + 1} floats past its span's end";
        return null;
    }
}
