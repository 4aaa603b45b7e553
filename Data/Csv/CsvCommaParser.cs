using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Data.Csv;

/// <summary>Parses a row of plain decimals from its UTF-8 bytes with the commas found 64 bytes at a time: the same rows
/// accepted, the same rows refused and the same bits as <see cref="CsvRowReader.TryParseRow"/> (and its plain twin
/// <see cref="CsvRowReader.TryParseRowCellByCell"/>), with less work a cell.</summary>
/// <remarks>
/// Why: parsing was most of <c>np score</c>'s CPU from a CSV (a 784-pixel row is 785 cells). One vector compare marks the
/// commas (and the '0's) of 64 bytes and each cell's start and length come from those masks. A run of "0," cells (an
/// image's background) is cleared in one step; a cell of one digit is its value; a cell of up to 15 digits and a point
/// (not in the row's last 16 bytes) is classified with one 16-byte compare and its digits valued with one shuffle and three
/// multiply-adds: the same integer divided by the same power of ten as the general parser computes, so the same double.
/// Every other cell (a sign, more digits, anything hostile, the row's last 16 bytes) goes through the general cell parser,
/// which also decides what is refused. With the vector narrowing of <c>CsvRows</c>, np score's MLP run from
/// an MNIST CSV (785 cells, about 145 not "0" a row) took 0.45–0.61 CPU-s per 100,000 rows against 0.50–0.65 on the
/// cell-after-cell parser (docs/BENCHMARKS.md, branch score3).
/// </remarks>
public static class CsvCommaParser
{
    /// <summary>Parses exactly <paramref name="cells"/>.Length cells; false when a cell is not a plain decimal or the row has
    /// another number of cells (the caller then reads the row as text, which names the fault).</summary>
    // Compiled optimised at the first call rather than after tiering: a run of np score is over in a second or so.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseRow(ReadOnlySpan<byte> bytes, Span<double> cells)
    {
        int last = cells.Length - 1;
        if (last < 0) return false;
        ref byte first = ref MemoryMarshal.GetReference(bytes);
        int c = 0, start = 0;
        Span<byte> tail = stackalloc byte[64];
        for (int block = 0; block < bytes.Length; block += 64)
        {
            ulong commas, zeros;
            if (block + 64 <= bytes.Length) (commas, zeros) = Marks(ref Unsafe.Add(ref first, block));
            else
            {
                // The row's last bytes, copied in front of zeros (bytes that are neither mark), so the same compares read
                // no further than the row.
                tail.Clear();
                bytes[block..].CopyTo(tail);
                (commas, zeros) = Marks(ref MemoryMarshal.GetReference(tail));
            }
            // Bytes that continue a run of "0," cells from an even or an odd offset: a '0' there, a comma after it.
            ulong evenRun = (zeros & 0x5555555555555555) | (commas & 0xAAAAAAAAAAAAAAAA);
            ulong oddRun = (zeros & 0xAAAAAAAAAAAAAAAA) | (commas & 0x5555555555555555);
            while (commas != 0)
            {
                int offset = start - block;
                if (offset >= 0)
                {
                    // A run of "0," cells (an image's background) cleared in one step rather than cell by cell: +0.0, the
                    // bits the digit '0' parses to. Never past the last cell: the last one is parsed below.
                    ulong run = ((offset & 1) == 0 ? evenRun : oddRun) >> offset;
                    int pairs = Math.Min(BitOperations.TrailingZeroCount(~run) >> 1, last - c);
                    if (pairs >= 2)
                    {
                        cells.Slice(c, pairs).Clear();
                        c += pairs;
                        start += 2 * pairs;
                        int past = offset + 2 * pairs;
                        commas = past >= 64 ? 0 : commas & (ulong.MaxValue << past);
                        continue;
                    }
                }
                int end = block + BitOperations.TrailingZeroCount(commas);
                commas &= commas - 1;
                // A comma after the last cell: one cell too many (or an empty last cell), as the cell-by-cell parser finds.
                if (c == last || !TryParseCell(bytes, start, end, out cells[c])) return false;
                c++;
                start = end + 1;
            }
        }
        return c == last && TryParseCell(bytes, start, bytes.Length, out cells[last]);
    }

    // The commas and the '0's among the 64 bytes from `at`, one bit each (bit i for byte i).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (ulong Commas, ulong Zeros) Marks(ref byte at)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var text = Vector512.LoadUnsafe(ref at);
            return (Vector512.Equals(text, Vector512.Create((byte)',')).ExtractMostSignificantBits(),
                    Vector512.Equals(text, Vector512.Create((byte)'0')).ExtractMostSignificantBits());
        }
        var low = Vector256.LoadUnsafe(ref at);
        var high = Vector256.LoadUnsafe(ref at, 32);
        var comma = Vector256.Create((byte)',');
        var zero = Vector256.Create((byte)'0');
        return (Vector256.Equals(low, comma).ExtractMostSignificantBits() | ((ulong)Vector256.Equals(high, comma).ExtractMostSignificantBits() << 32),
                Vector256.Equals(low, zero).ExtractMostSignificantBits() | ((ulong)Vector256.Equals(high, zero).ExtractMostSignificantBits() << 32));
    }

    // The cell in bytes [start, end) (no comma inside).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryParseCell(ReadOnlySpan<byte> bytes, int start, int end, out double value)
    {
        int length = end - start;
        if (length == 1)
        {
            uint digit = (uint)(bytes[start] - '0');
            value = digit;
            if (digit <= 9) return true;
        }
        else if (length > 1 && length <= 16 && start + 16 <= bytes.Length && TryParseShort(ref Unsafe.Add(ref MemoryMarshal.GetReference(bytes), start), length, out value))
            return true;
        // Everything else, and what the short forms refuse, as the general parser reads it (it stops at the cell's end).
        int at = 0;
        return CsvRowReader.TryParseCell(bytes.Slice(start, length), ref at, out value) && at == length;
    }

    // Up to 15 digits and an optional point (at least one digit), in the `length` (2 … 16) bytes from `at`, of which 16 may
    // be read. False (for the general parser) for any other cell.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryParseShort(ref byte at, int length, out double value)
    {
        value = 0;
        var text = Vector128.LoadUnsafe(ref at);
        var digitValues = text - Vector128.Create((byte)'0');
        uint inside = (1u << length) - 1;
        uint digits = Vector128.LessThan(digitValues, Vector128.Create((byte)10)).ExtractMostSignificantBits() & inside;
        uint points = Vector128.Equals(text, Vector128.Create((byte)'.')).ExtractMostSignificantBits() & inside;
        if ((digits | points) != inside || BitOperations.PopCount(points) > 1 || digits == 0) return false;
        int count = BitOperations.PopCount(digits);
        int point = points == 0 ? length : BitOperations.TrailingZeroCount(points);
        int fraction = points == 0 ? 0 : length - point - 1;
        // At most 15 digits: the integer is below 2⁵³ and the general parser's fast path takes the cell too, dividing the
        // same integer by the same power of ten (by 1 when there is no fraction: exact, the integer itself).
        if (count > 15) return false;
        ulong mantissa;
        if (ShuffleDigits && Ssse3.IsSupported && Sse41.IsSupported)
        {
            // The digits moved (one shuffle) to the end of 16 bytes, the point dropped and zeros in front, then valued as two
            // eight-digit halves by three multiply-adds (pairs, fours, eights).
            var index = Vector128.Create((sbyte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) + Vector128.Create((sbyte)(count - 16));
            // Past the point, one byte further along; below 0 (in front of the digits), a zero (the shuffle's high bit).
            index += Vector128.GreaterThan(index, Vector128.Create((sbyte)(point - 1))) & Vector128<sbyte>.One;
            var aligned = Ssse3.Shuffle(digitValues, index.AsByte());
            var pairs = Ssse3.MultiplyAddAdjacent(aligned, Vector128.Create((sbyte)10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
            var fours = Sse2.MultiplyAddAdjacent(pairs, Vector128.Create((short)100, 1, 100, 1, 100, 1, 100, 1));
            var packed = Sse41.PackUnsignedSaturate(fours, fours).AsInt16();
            var eights = Sse2.MultiplyAddAdjacent(packed, Vector128.Create((short)10000, 1, 10000, 1, 10000, 1, 10000, 1));
            mantissa = (ulong)(uint)eights.GetElement(0) * 100_000_000 + (uint)eights.GetElement(1);
        }
        else
        {
            // Without the byte shuffle: each side of the point eight bytes at a time, when both fit one word.
            if (point > 7 || fraction > 8) return false;
            ulong whole = CsvRowReader.DigitsValue(Unsafe.ReadUnaligned<ulong>(ref at), point);
            ulong after = fraction == 0 ? 0 : CsvRowReader.DigitsValue(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref at, point + 1)), fraction);
            mantissa = whole * CsvRowReader.PowersOfTenExact[fraction] + after;
        }
        value = mantissa / CsvRowReader.PowersOfTen[fraction];
        return true;
    }

    /// <summary>Whether a cell's digits are valued with one byte shuffle and three multiply-adds (SSSE3 and SSE4.1) rather
    /// than eight bytes at a time on each side of the point; both give the same integer (tests run both).</summary>
    public static bool ShuffleDigits { get; set; } = true;
}
