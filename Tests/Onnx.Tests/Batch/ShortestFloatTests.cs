using System.Globalization;
using System.Text;
using NeuralPipelines.Onnx.Batch;

namespace NeuralPipelines.Onnx.Tests.Batch;

/// <summary><see cref="ShortestFloat"/> against its plain twin, the BCL's invariant float text: byte for byte over every
/// exponent, the boundaries of the plain and scientific layouts, powers of two and ten, subnormals and random mantissas.</summary>
public class ShortestFloatTests
{
    private static string Ours(float value)
    {
        Span<byte> buffer = stackalloc byte[ShortestFloat.MaxLength];
        return Encoding.UTF8.GetString(buffer[..ShortestFloat.Format(value, buffer)]);
    }

    private static void Same(float value)
    {
        string expected = value.ToString(CultureInfo.InvariantCulture), actual = Ours(value);
        if (expected != actual)
            Assert.Fail($"bits 0x{BitConverter.SingleToUInt32Bits(value):X8}: BCL \"{expected}\", ShortestFloat \"{actual}\"");
    }

    private static void SameBothSigns(uint bits)
    {
        Same(BitConverter.UInt32BitsToSingle(bits));
        Same(BitConverter.UInt32BitsToSingle(bits | 0x8000_0000));
    }

    [Fact]
    public void Edge_values_match_the_BCL()
    {
        float[] values =
        [
            0f, -0f, 1f, -1f, 0.5f, 0.1f, 0.2f, 0.3f, 1f / 3, 2f / 3, 0.7f, float.Epsilon, float.MaxValue, float.MinValue,
            float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-45f, 1.17549435E-38f, 1.1754942E-38f,
            // Around the switch between plain and scientific text (decimal point 9 digits right, 3 zeros left).
            1e9f, 999999940f, 999999999f, 1e10f, 123456790f, 1234567900f, 100000000f, 0.0001f, 0.00001f, 0.000099999f, 0.00012345679f,
            9.99999E-05f, 0.001f, 0.01f, 16777216f, 16777217f, 33554432f, 8388608f, 7.038531E-26f, 3.4028235E+38f,
            // Scores as a softmax writes them.
            0.99999994f, 5.9604645E-08f, 1.0000001f, 0.09999999f, 0.100000005f,
        ];
        foreach (var v in values) Same(v);
        for (int e = -45; e <= 38; e++)
        {
            Same(float.Parse($"1e{e}", CultureInfo.InvariantCulture));
            Same(float.Parse($"9.999999e{e}", CultureInfo.InvariantCulture));
            Same(float.Parse($"5e{e}", CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Every_exponent_with_its_extreme_and_random_mantissas_matches_the_BCL()
    {
        var random = new Random(15);
        for (uint exponent = 0; exponent < 255; exponent++)
        {
            uint top = exponent << 23;
            // Powers of two (the asymmetric interval), the mantissa's ends, and single set bits.
            foreach (uint m in new uint[] { 0, 1, 2, 3, 0x7FFFFF, 0x7FFFFE, 0x400000, 0x400001, 0x3FFFFF })
                SameBothSigns(top | m);
            for (int b = 0; b < 23; b++) SameBothSigns(top | (1u << b));
            for (int k = 0; k < 300; k++) SameBothSigns(top | (uint)random.Next(1 << 23));
        }
    }

    [Fact]
    public void Random_bit_patterns_and_short_decimals_match_the_BCL()
    {
        var random = new Random(7);
        for (int k = 0; k < 100_000; k++) Same(BitConverter.UInt32BitsToSingle((uint)random.NextInt64(1L << 32)));
        // Short decimals are the exact cases (an interval end or the value itself is a short decimal), rare among bits.
        for (int k = 0; k < 50_000; k++)
        {
            var text = $"{random.Next(1, 100_000)}e{random.Next(-50, 40)}";
            Same(float.Parse(text, CultureInfo.InvariantCulture));
        }
        // Every float a softmax's [0, 1] can give, sampled evenly across its billion values.
        for (uint bits = 0; bits <= 0x3F80_0000; bits += 4001) Same(BitConverter.UInt32BitsToSingle(bits));
    }

    [NeuralPipelines.Tests.LongFact]
    public void Every_float_matches_the_BCL()
    {
        // All 2³² bit patterns, split across the cores: about twenty CPU-minutes.
        Parallel.For(0, 256, block =>
        {
            for (uint low = 0; low < 1u << 24; low++) Same(BitConverter.UInt32BitsToSingle(((uint)block << 24) | low));
        });
    }
}
