using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>A float's shortest round-trip text in UTF-8, byte for byte what <c>value.ToString(CultureInfo.InvariantCulture)</c>
/// writes, several times faster.</summary>
/// <remarks>
/// Why: a small model's 10 scores a row cost more to format with the BCL (≈ 200 ns a float) than to compute, so formatting
/// bounded <c>np score</c>'s throughput. The digits come from Ryu (Adams, "Ryū: fast float-to-string conversion", PLDI 2018):
/// the shortest decimal in the interval of reals that round to the float, the one nearest the float when there are
/// several, ties to even; found with a few 32 × 64-bit multiplications by precomputed powers of five instead of big
/// numbers. .NET's own shortest mode (Grisu, else Dragon4) chooses the same digits; the layout below is its "G" layout
/// for a float (scientific notation when the decimal point falls more than 9 digits right or 3 zeros left of the
/// first digit, exponent signed with at least two digits). Non-finite values go to the BCL. The plain twin is
/// <see cref="float.TryFormat(Span{byte}, out int, ReadOnlySpan{char}, IFormatProvider?)"/>; the tests compare the two over
/// every exponent and millions of mantissas.
/// </remarks>
public static class ShortestFloat
{
    /// <summary>The longest text this writes for a finite float ("-1.2345679E-38" is 14 bytes).</summary>
    public const int MaxLength = 15;

    private const int MantissaBits = 23, ExponentBias = 127;
    // Bits kept of 2^k / 5^q and of 5^i in the tables: Ryu's float sizes, enough for every float to get exact quotients.
    private const int Pow5InverseBits = 59, Pow5Bits = 61;
    private static readonly ulong[] Pow5Inverse = Table(31, q => (BigInteger.One << (Pow5BitLength(q) - 1 + Pow5InverseBits)) / BigInteger.Pow(5, q) + 1);
    private static readonly ulong[] Pow5 = Table(48, i => Shift(BigInteger.Pow(5, i), Pow5BitLength(i) - Pow5Bits));

    /// <summary>Writes <paramref name="value"/> into <paramref name="destination"/> (room for <see cref="MaxLength"/> bytes);
    /// returns the bytes written.</summary>
    // Compiled optimised at the first call rather than after tiering: a run of np score is over in a second or so, most of it
    // before tier 1 would arrive, and tier-0 code runs several times slower than optimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Format(float value, Span<byte> destination)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint mantissa = bits & ((1u << MantissaBits) - 1);
        int exponent = (int)((bits >> MantissaBits) & 0xFF);
        if (exponent == 0xFF)
        {
            value.TryFormat(destination, out int n, default, CultureInfo.InvariantCulture);
            return n;
        }
        int at = 0;
        if ((int)bits < 0) destination[at++] = (byte)'-';
        if (exponent == 0 && mantissa == 0)
        {
            destination[at++] = (byte)'0';
            return at;
        }
        var (digits, power) = Shortest(mantissa, exponent);
        return at + Layout(digits, power, destination[at..]);
    }

    // value = digits × 10^power, laid out as .NET's "G" does for a float: plain when the point's position (scale, the
    // number of digits before it) is in −3 … 9, else d.dddE±xx. Digits are written once, in place, two at a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Layout(uint digits, int power, Span<byte> destination)
    {
        int count = DecimalLength(digits), scale = count + power;
        if (scale > 9 || scale < -3)
        {
            // The digits one place to the right, then the first moved back in front of the point.
            WriteDigits(digits, destination.Slice(1, count));
            int at = 1;
            if (count > 1)
            {
                destination[0] = destination[1];
                destination[1] = (byte)'.';
                at = count + 1;
            }
            else destination[0] = destination[1];
            int e = scale - 1;
            destination[at] = (byte)'E';
            destination[at + 1] = e < 0 ? (byte)'-' : (byte)'+';
            e = Math.Abs(e);
            destination[at + 2] = (byte)('0' + e / 10);
            destination[at + 3] = (byte)('0' + e % 10);
            return at + 4;
        }
        if (scale <= 0)
        {
            // 0.000ddd
            int zeros = -scale;
            destination[0] = (byte)'0';
            destination[1] = (byte)'.';
            destination.Slice(2, zeros).Fill((byte)'0');
            WriteDigits(digits, destination.Slice(2 + zeros, count));
            return 2 + zeros + count;
        }
        if (scale >= count)
        {
            // ddd000
            WriteDigits(digits, destination[..count]);
            destination[count..scale].Fill((byte)'0');
            return scale;
        }
        // dd.ddd: the digits one place to the right, then the integer part moved back in front of the point.
        WriteDigits(digits, destination.Slice(1, count));
        destination.Slice(1, scale).CopyTo(destination);
        destination[scale] = (byte)'.';
        return count + 1;
    }

    private static int DecimalLength(uint v) =>
        v >= 100_000_000 ? 9 : v >= 10_000_000 ? 8 : v >= 1_000_000 ? 7 : v >= 100_000 ? 6 : v >= 10_000 ? 5 : v >= 1_000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1;

    // "00" … "99": two digits a division.
    private static ReadOnlySpan<byte> Pairs => "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteDigits(uint value, Span<byte> destination)
    {
        int at = destination.Length;
        while (value >= 100)
        {
            uint q = value / 100, r = value - 100 * q;
            at -= 2;
            destination[at] = Pairs[(int)(2 * r)];
            destination[at + 1] = Pairs[(int)(2 * r + 1)];
            value = q;
        }
        if (value >= 10)
        {
            destination[at - 2] = Pairs[(int)(2 * value)];
            destination[at - 1] = Pairs[(int)(2 * value + 1)];
        }
        else destination[at - 1] = (byte)('0' + value);
    }

    /// <summary>Ryu's f2d: the shortest digits (and their power of ten) that read back as the float with these IEEE fields.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (uint Digits, int Power) Shortest(uint ieeeMantissa, int ieeeExponent)
    {
        // The float is m2 × 2^e2; the reals that round to it lie between mm and mp (× 2^e2, all four times larger
        // than the float's own scale so that the half-way points are integers).
        int e2;
        uint m2;
        if (ieeeExponent == 0)
        {
            e2 = 1 - ExponentBias - MantissaBits - 2;
            m2 = ieeeMantissa;
        }
        else
        {
            e2 = ieeeExponent - ExponentBias - MantissaBits - 2;
            m2 = (1u << MantissaBits) | ieeeMantissa;
        }
        // Round-half-even reading: an even mantissa owns its interval's ends.
        bool acceptBounds = (m2 & 1) == 0;
        uint mv = 4 * m2, mp = 4 * m2 + 2;
        // At a power of two the gap below is half the gap above.
        uint mmShift = ieeeMantissa != 0 || ieeeExponent <= 1 ? 1u : 0u;
        uint mm = 4 * m2 - 1 - mmShift;

        uint vr, vp, vm;
        int e10;
        bool vmIsTrailingZeros = false, vrIsTrailingZeros = false;
        uint lastRemovedDigit = 0;
        if (e2 >= 0)
        {
            int q = Log10Pow2(e2);
            e10 = q;
            int k = Pow5InverseBits + Pow5BitLength(q) - 1;
            int i = -e2 + q + k;
            vr = MulShift(mv, Pow5Inverse[q], i);
            vp = MulShift(mp, Pow5Inverse[q], i);
            vm = MulShift(mm, Pow5Inverse[q], i);
            if (q != 0 && (vp - 1) / 10 <= vm / 10)
            {
                // The loop below removes no digit, so the one removed by the division by 10^q is needed to round.
                int l = Pow5InverseBits + Pow5BitLength(q - 1) - 1;
                lastRemovedDigit = MulShift(mv, Pow5Inverse[q - 1], -e2 + q - 1 + l) % 10;
            }
            if (q <= 9)
            {
                // Only one of mp, mv and mm can be a multiple of 5, if any.
                if (mv % 5 == 0) vrIsTrailingZeros = MultipleOfPowerOf5(mv, q);
                else if (acceptBounds) vmIsTrailingZeros = MultipleOfPowerOf5(mm, q);
                else if (MultipleOfPowerOf5(mp, q)) vp--;
            }
        }
        else
        {
            int q = Log10Pow5(-e2);
            e10 = q + e2;
            int i = -e2 - q;
            int k = Pow5BitLength(i) - Pow5Bits;
            int j = q - k;
            vr = MulShift(mv, Pow5[i], j);
            vp = MulShift(mp, Pow5[i], j);
            vm = MulShift(mm, Pow5[i], j);
            if (q != 0 && (vp - 1) / 10 <= vm / 10)
            {
                j = q - 1 - (Pow5BitLength(i + 1) - Pow5Bits);
                lastRemovedDigit = MulShift(mv, Pow5[i + 1], j) % 10;
            }
            if (q <= 1)
            {
                // mv = 4 m2 has at least two trailing zero bits; mp and mm are odd or at most one.
                vrIsTrailingZeros = true;
                if (acceptBounds) vmIsTrailingZeros = mmShift == 1;
                else vp--;
            }
            else if (q < 31)
            {
                vrIsTrailingZeros = MultipleOfPowerOf2(mv, q - 1);
            }
        }

        // Remove digits while the interval still holds a shorter number; the last one removed rounds the result.
        int removed = 0;
        uint output;
        if (vmIsTrailingZeros || vrIsTrailingZeros)
        {
            // The rare exact cases: an interval end or the value itself is a short decimal.
            while (vp / 10 > vm / 10)
            {
                vmIsTrailingZeros &= vm % 10 == 0;
                vrIsTrailingZeros &= lastRemovedDigit == 0;
                lastRemovedDigit = vr % 10;
                vr /= 10; vp /= 10; vm /= 10;
                removed++;
            }
            if (vmIsTrailingZeros)
            {
                while (vm % 10 == 0)
                {
                    vrIsTrailingZeros &= lastRemovedDigit == 0;
                    lastRemovedDigit = vr % 10;
                    vr /= 10; vp /= 10; vm /= 10;
                    removed++;
                }
            }
            // Exactly half way: round to even.
            if (vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0) lastRemovedDigit = 4;
            output = vr + ((vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5 ? 1u : 0u);
        }
        else
        {
            while (vp / 10 > vm / 10)
            {
                lastRemovedDigit = vr % 10;
                vr /= 10; vp /= 10; vm /= 10;
                removed++;
            }
            output = vr + (vr == vm || lastRemovedDigit >= 5 ? 1u : 0u);
        }
        return (output, e10 + removed);
    }

    // ⌊m × factor / 2^shift⌋, exact: the product has at most 96 bits.
    private static uint MulShift(uint m, ulong factor, int shift)
    {
        ulong high = Math.BigMul(m, factor, out ulong low);
        return (uint)(shift >= 64 ? high >> (shift - 64) : (high << (64 - shift)) | (low >> shift));
    }

    // ⌈log₂ 5^e⌉ (1 for e = 0), ⌊log₁₀ 2^e⌋ and ⌊log₁₀ 5^e⌋ by fixed-point multiplication, exact in the ranges used here.
    private static int Pow5BitLength(int e) => (int)(((uint)e * 1217359) >> 19) + 1;
    private static int Log10Pow2(int e) => (int)(((uint)e * 78913) >> 18);
    private static int Log10Pow5(int e) => (int)(((uint)e * 732923) >> 20);

    private static bool MultipleOfPowerOf5(uint value, int p)
    {
        int count = 0;
        while (value != 0 && value % 5 == 0) { value /= 5; count++; }
        return count >= p;
    }

    private static bool MultipleOfPowerOf2(uint value, int p) => (value & ((1u << p) - 1)) == 0;

    private static BigInteger Shift(BigInteger value, int right) => right >= 0 ? value >> right : value << -right;

    private static ulong[] Table(int count, Func<int, BigInteger> entry) =>
        Enumerable.Range(0, count).Select(i => (ulong)entry(i)).ToArray();
}
