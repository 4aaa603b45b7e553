namespace NeuralPipelines.Data.IO;

/// <summary>A write-only stream that passes every byte to the stream beneath and keeps their <see cref="Crc32C"/>, so a
/// format can write its checksum after its content without holding the content in memory.</summary>
public sealed class ChecksummingStream(Stream inner) : Stream
{
    /// <summary>The CRC-32C of every byte written so far.</summary>
    public uint Crc { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Crc = Crc32C.Append(Crc, buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => inner.Flush();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
