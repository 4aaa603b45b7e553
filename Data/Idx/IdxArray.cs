namespace NeuralPipelines.Data.Idx;

/// <summary>The element types the IDX format defines (the third byte of its magic number).</summary>
public enum IdxType : byte
{
    UnsignedByte = 0x08,
    SignedByte = 0x09,
    Int16 = 0x0B,
    Int32 = 0x0C,
    Float32 = 0x0D,
    Float64 = 0x0E,
}

/// <summary>An n-dimensional array as stored in an IDX file: element type, dimensions and the raw big-endian payload.</summary>
public sealed class IdxArray(IdxType type, int[] dimensions, byte[] payload)
{
    public IdxType Type { get; } = type;
    public int[] Dimensions { get; } = dimensions;
    /// <summary>Elements in IDX (big-endian) byte order.</summary>
    public byte[] Payload { get; } = payload;

    public int Count => Dimensions.Aggregate(1, (a, b) => a * b);

    public static int ElementSize(IdxType t) => t switch
    {
        IdxType.UnsignedByte or IdxType.SignedByte => 1,
        IdxType.Int16 => 2,
        IdxType.Int32 or IdxType.Float32 => 4,
        IdxType.Float64 => 8,
        _ => throw new FormatException($"Unknown IDX element type 0x{(byte)t:X2}."),
    };

    /// <summary>Every element as a float, in file order.</summary>
    public float[] ToFloats(float scale = 1f)
    {
        var result = new float[Count];
        var p = Payload.AsSpan();
        for (int i = 0; i < result.Length; i++)
        {
            double v = Type switch
            {
                IdxType.UnsignedByte => p[i],
                IdxType.SignedByte => (sbyte)p[i],
                IdxType.Int16 => System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(p[(2 * i)..]),
                IdxType.Int32 => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(p[(4 * i)..]),
                IdxType.Float32 => System.Buffers.Binary.BinaryPrimitives.ReadSingleBigEndian(p[(4 * i)..]),
                _ => System.Buffers.Binary.BinaryPrimitives.ReadDoubleBigEndian(p[(8 * i)..]),
            };
            result[i] = (float)(v * scale);
        }
        return result;
    }

    /// <summary>Every element as an int (labels), in file order.</summary>
    public int[] ToInts()
    {
        var f = ToFloats();
        var r = new int[f.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (int)f[i];
        return r;
    }
}
