using System.Buffers.Binary;

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
public sealed class IdxArray
{
    public IdxArray(IdxType type, int[] dimensions, byte[] payload)
    {
        if (dimensions.Length is 0 or > 255) throw new ArgumentException($"An IDX array has 1 to 255 dimensions, not {dimensions.Length}.");
        if (dimensions.Any(d => d < 0)) throw new ArgumentException($"IDX dimensions [{string.Join("×", dimensions)}] include a negative one.");
        long expected = ElementCount(dimensions) * ElementSize(type);
        if (payload.LongLength != expected)
            throw new ArgumentException($"IDX dimensions [{string.Join("×", dimensions)}] of {type} need {expected} payload bytes, not {payload.LongLength}.");
        Type = type; Dimensions = dimensions; Payload = payload;
    }

    public IdxType Type { get; }
    public int[] Dimensions { get; }
    /// <summary>Elements in IDX (big-endian) byte order.</summary>
    public byte[] Payload { get; }

    public int Count => (int)ElementCount(Dimensions);

    public static long ElementCount(int[] dimensions) => dimensions.Aggregate(1L, (a, b) => a * b);

    public static int ElementSize(IdxType t) => t switch
    {
        IdxType.UnsignedByte or IdxType.SignedByte => 1,
        IdxType.Int16 => 2,
        IdxType.Int32 or IdxType.Float32 => 4,
        IdxType.Float64 => 8,
        _ => throw new FormatException($"Unknown IDX element type 0x{(byte)t:X2}."),
    };

    /// <summary>Unsigned bytes (the type of MNIST's pixels and labels), copied as they are.</summary>
    public static IdxArray FromBytes(int[] dimensions, ReadOnlySpan<byte> values) => new(IdxType.UnsignedByte, dimensions, values.ToArray());

    /// <summary>Encodes <paramref name="values"/> as elements of <paramref name="type"/>; integers must fit the type exactly.</summary>
    public static IdxArray FromValues(IdxType type, int[] dimensions, ReadOnlySpan<double> values)
    {
        int size = ElementSize(type);
        var payload = new byte[values.Length * size];
        var p = payload.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            var at = p[(i * size)..];
            switch (type)
            {
                case IdxType.UnsignedByte: at[0] = (byte)Integer(v, byte.MinValue, byte.MaxValue, type, i); break;
                case IdxType.SignedByte: at[0] = (byte)(sbyte)Integer(v, sbyte.MinValue, sbyte.MaxValue, type, i); break;
                case IdxType.Int16: BinaryPrimitives.WriteInt16BigEndian(at, (short)Integer(v, short.MinValue, short.MaxValue, type, i)); break;
                case IdxType.Int32: BinaryPrimitives.WriteInt32BigEndian(at, (int)Integer(v, int.MinValue, int.MaxValue, type, i)); break;
                case IdxType.Float32: BinaryPrimitives.WriteSingleBigEndian(at, (float)v); break;
                default: BinaryPrimitives.WriteDoubleBigEndian(at, v); break;
            }
        }
        return new IdxArray(type, dimensions, payload);
    }

    private static long Integer(double v, long min, long max, IdxType type, int index) =>
        v == Math.Floor(v) && v >= min && v <= max
            ? (long)v
            : throw new ArgumentException($"Element {index} ({v}) is not representable as IDX {type} ({min}..{max}, whole numbers).");

    /// <summary>Element <paramref name="i"/> (in file order) as a double, exact for every IDX type.</summary>
    public double this[int i] => Type switch
    {
        IdxType.UnsignedByte => Payload[i],
        IdxType.SignedByte => (sbyte)Payload[i],
        IdxType.Int16 => BinaryPrimitives.ReadInt16BigEndian(Payload.AsSpan(2 * i)),
        IdxType.Int32 => BinaryPrimitives.ReadInt32BigEndian(Payload.AsSpan(4 * i)),
        IdxType.Float32 => BinaryPrimitives.ReadSingleBigEndian(Payload.AsSpan(4 * i)),
        _ => BinaryPrimitives.ReadDoubleBigEndian(Payload.AsSpan(8 * i)),
    };

    /// <summary>Every element as a float, in file order.</summary>
    public float[] ToFloats(float scale = 1f)
    {
        var result = new float[Count];
        if (Type == IdxType.UnsignedByte)
        {
            // The common case (pixels): skip the per-element type switch.
            for (int i = 0; i < result.Length; i++) result[i] = Payload[i] * scale;
            return result;
        }
        for (int i = 0; i < result.Length; i++) result[i] = (float)(this[i] * scale);
        return result;
    }

    /// <summary>Every element as an int (labels), in file order; fractional values are an error, not silently cut.</summary>
    public int[] ToInts(string source = "IDX array")
    {
        var r = new int[Count];
        for (int i = 0; i < r.Length; i++)
        {
            double v = this[i];
            if (v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
                throw new InvalidDataException($"{source}: element {i} is {v}, not a whole number (labels must be integers).");
            r[i] = (int)v;
        }
        return r;
    }
}
