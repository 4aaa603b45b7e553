using System.Buffers.Binary;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Data.Idx;

/// <summary>Reads IDX files (LeCun's MNIST format), raw or gzip-compressed, checking everything the header promises.</summary>
/// <remarks>Every error is an <see cref="InvalidDataException"/> whose message starts with the file's path and says
/// what is wrong: the magic number, the rank, a dimension, or a length that disagrees with the dimensions.</remarks>
public static class IdxReader
{
    /// <summary>What an IDX header says: element type and dimensions.</summary>
    public sealed record Header(IdxType Type, int[] Dimensions)
    {
        public long Count => IdxArray.ElementCount(Dimensions);
        public long PayloadLength => Count * IdxArray.ElementSize(Type);
        public override string ToString() => $"{Type} [{string.Join("×", Dimensions)}]";
    }

    public static IdxArray Read(string path)
    {
        using var stream = Open(path);
        try
        {
            return Read(stream, path);
        }
        catch (InvalidDataException) when (stream is CheckedGzipStream gzip)
        {
            // Damaged compressed data often still inflates to something, whose header is then nonsense; the
            // gzip damage is the real cause, so report that when the rest of the stream shows it.
            gzip.CopyTo(Stream.Null);
            throw;
        }
    }

    /// <summary>Reads only the header (type and dimensions), without decompressing the payload.</summary>
    public static Header ReadHeader(string path)
    {
        using var stream = Open(path);
        return ReadHeader(stream, path);
    }

    /// <summary>Opens an IDX file (raw or gzip) for reading its elements in pieces, for a file too large to hold whole:
    /// its header, and the stream positioned at the first element. The caller reads at most
    /// <see cref="Header.PayloadLength"/> bytes and reports a short read as truncation.</summary>
    public static (Header Header, Stream Payload) OpenPayload(string path)
    {
        var stream = Open(path);
        try { return (ReadHeader(stream, path), stream); }
        catch { stream.Dispose(); throw; }
    }

    /// <summary>Reads one IDX array from a stream of IDX bytes (already decompressed), then checks nothing follows it.</summary>
    public static IdxArray Read(Stream stream, string source)
    {
        var header = ReadHeader(stream, source);
        if (header.PayloadLength > Array.MaxLength)
            throw new InvalidDataException($"{source}: dimensions [{string.Join("×", header.Dimensions)}] of {header.Type} need {header.PayloadLength} bytes, more than one array can hold.");
        long headerLength = 4 + 4L * header.Dimensions.Length;
        var (payload, got) = ReadPayload(stream, (int)header.PayloadLength);
        if (got < header.PayloadLength)
            throw new InvalidDataException(
                $"{source}: truncated: dimensions [{string.Join("×", header.Dimensions)}] of {header.Type} need {headerLength + header.PayloadLength} bytes but the data ends after {headerLength + got}.");
        if (stream.ReadByte() >= 0)
        {
            long extra = 1;
            var sink = new byte[81920];
            int n;
            while ((n = stream.Read(sink)) > 0) extra += n;
            throw new InvalidDataException(
                $"{source}: dimensions [{string.Join("×", header.Dimensions)}] of {header.Type} need {headerLength + payload.Length} bytes but the data has {extra} more (trailing data, or wrong dimensions).");
        }
        CheckFinite(header, payload, source);
        return new IdxArray(header.Type, header.Dimensions, payload);
    }

    /// <summary>Refuses a NaN or an infinity in a float IDX file, naming the element and the item it belongs to: left in,
    /// it surfaces epochs later as a NaN cost blamed on the learning rate. (A float64 beyond float32's range is a valid
    /// IDX value; the image loader, which converts to float32, refuses it.)</summary>
    private static void CheckFinite(Header header, byte[] payload, string source)
    {
        if (header.Type is not (IdxType.Float32 or IdxType.Float64)) return;
        long perItem = header.Dimensions.Length > 1 ? IdxArray.ElementCount(header.Dimensions[1..]) : 1;
        long count = header.Count;
        for (long i = 0; i < count; i++)
        {
            double v = header.Type == IdxType.Float32
                ? BinaryPrimitives.ReadSingleBigEndian(payload.AsSpan((int)(4 * i)))
                : BinaryPrimitives.ReadDoubleBigEndian(payload.AsSpan((int)(8 * i)));
            if (double.IsFinite(v)) continue;
            string what = double.IsNaN(v) ? "NaN" : v > 0 ? "+∞" : "-∞";
            throw new InvalidDataException(
                $"{source}: element {i:N0} (item {i / perItem:N0}, value {i % perItem:N0} of {perItem:N0}) is {what}; the values of a float IDX file must be finite.");
        }
    }

    /// <summary>Reads up to <paramref name="length"/> payload bytes, allocating no more than the data holds: a header may
    /// claim millions of images in a file of a few kilobytes, and memory must follow the bytes, not the claim.</summary>
    /// <remarks>A seekable stream says how much is left, so a short one is caught before any allocation. A compressed
    /// stream cannot, so its buffer starts at 1 MiB and doubles only as bytes arrive (at most twice the real size).</remarks>
    private static (byte[] Payload, long Got) ReadPayload(Stream stream, int length)
    {
        if (stream.CanSeek)
        {
            long left = Math.Max(0, stream.Length - stream.Position);
            if (left < length) return ([], left);
            var all = new byte[length];
            return (all, stream.ReadAtLeast(all, length, throwOnEndOfStream: false));
        }
        var buffer = new byte[Math.Min(length, 1 << 20)];
        int got = 0;
        while (true)
        {
            got += stream.ReadAtLeast(buffer.AsSpan(got), buffer.Length - got, throwOnEndOfStream: false);
            if (got < buffer.Length || got == length) return (buffer, got);
            Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
        }
    }

    /// <summary>Parses an IDX file held in memory; <paramref name="source"/> names it in error messages.</summary>
    public static IdxArray Parse(ReadOnlySpan<byte> bytes, string source)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        return Read(stream, source);
    }

    private static Header ReadHeader(Stream stream, string source)
    {
        Span<byte> magic = stackalloc byte[4];
        int got = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got < 4) throw new InvalidDataException($"{source}: {got} bytes is too short for an IDX header (the magic number alone is 4 bytes).");
        string magicHex = $"0x{magic[0]:X2}{magic[1]:X2}{magic[2]:X2}{magic[3]:X2}";
        if (magic[0] != 0 || magic[1] != 0)
            throw new InvalidDataException($"{source}: wrong magic number {magicHex}: an IDX file starts with two zero bytes, then the element type and the rank (MNIST images are 0x00000803).");
        var type = (IdxType)magic[2];
        if (!Enum.IsDefined(type))
            throw new InvalidDataException($"{source}: wrong magic number {magicHex}: unknown IDX element type 0x{magic[2]:X2} (known: 08 ubyte, 09 sbyte, 0B int16, 0C int32, 0D float32, 0E float64).");
        int rank = magic[3];
        if (rank == 0) throw new InvalidDataException($"{source}: wrong magic number {magicHex}: rank 0 (an IDX array needs at least one dimension).");
        var dimBytes = new byte[4 * rank];
        got = stream.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false);
        if (got < dimBytes.Length)
            throw new InvalidDataException($"{source}: truncated header: rank {rank} needs {4 + dimBytes.Length} header bytes but the data ends after {4 + got}.");
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (dims[i] < 0) throw new InvalidDataException($"{source}: dimension {i} is negative ({dims[i]}).");
        }
        return new Header(type, dims);
    }

    private static Stream Open(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(Directory.Exists(path) ? $"{path}: is a folder, not an IDX file." : $"{path}: no such IDX file.", path);
        return CheckedGzipStream.OpenContent(path);
    }
}
