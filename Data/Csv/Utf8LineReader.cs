using System.Runtime.CompilerServices;
using System.Text;

namespace NeuralPipelines.Data.Csv;

/// <summary>Splits a text file into lines as <see cref="TextReader.ReadLine"/> does (ended by \n, \r\n or \r), handing each
/// out as its UTF-8 bytes in a reused buffer, so a numeric row is parsed without first being decoded into a string.</summary>
/// <remarks>Files with a UTF-16 or UTF-32 byte order mark are transcoded to UTF-8 on the way in, and a UTF-8 mark is
/// skipped, as <see cref="StreamReader"/> with <c>detectEncodingFromByteOrderMarks</c> does. <see cref="ReadLine"/> gives
/// the same lines as strings (the header is read through it).</remarks>
public sealed class Utf8LineReader : TextReader
{
    private readonly Stream _stream;
    // 1 MiB reads: one system call per thousands of rows; a longer line doubles it.
    private byte[] _buffer = new byte[1 << 20];
    private int _start, _end;
    private bool _eof;

    public Utf8LineReader(Stream stream)
    {
        Span<byte> mark = stackalloc byte[4];
        int got = stream.ReadAtLeast(mark, 4, throwOnEndOfStream: false);
        var (encoding, length) = Mark(mark[..got]);
        if (encoding is null)
        {
            mark[length..got].CopyTo(_buffer);
            _end = got - length;
            _stream = stream;
        }
        else
        {
            stream.Seek(length, SeekOrigin.Begin);
            _stream = Encoding.CreateTranscodingStream(stream, encoding, Encoding.UTF8, leaveOpen: true);
        }
    }

    // The byte order marks StreamReader recognises: (null, 3) for UTF-8's, (the encoding to transcode, its length) for
    // the others, (null, 0) for none.
    private static (Encoding?, int) Mark(ReadOnlySpan<byte> b) => b switch
    {
        [0xEF, 0xBB, 0xBF, ..] => (null, 3),
        [0xFF, 0xFE, 0, 0] => (Encoding.UTF32, 4),
        [0, 0, 0xFE, 0xFF] => (new UTF32Encoding(bigEndian: true, byteOrderMark: false), 4),
        [0xFF, 0xFE, ..] => (Encoding.Unicode, 2),
        [0xFE, 0xFF, ..] => (Encoding.BigEndianUnicode, 2),
        _ => (null, 0),
    };

    /// <summary>The next line's bytes, without its end; valid until the next call. False at the end of the file.</summary>
    // Compiled optimised at the first call rather than after tiering: a run of np score is over in a second or so, most of it
    // before tier 1 would arrive, and tier-0 code runs several times slower than optimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            int at = pending.IndexOfAny((byte)'\n', (byte)'\r');
            // A \r at the end of what is read may be half of a \r\n: read on before deciding.
            if (at >= 0 && !(pending[at] == '\r' && at + 1 == pending.Length && !_eof))
            {
                line = pending[..at];
                _start += at + (pending[at] == '\r' && at + 1 < pending.Length && pending[at + 1] == '\n' ? 2 : 1);
                return true;
            }
            if (_eof)
            {
                line = pending;
                _start = _end;
                return pending.Length > 0;
            }
            Fill();
        }
    }

    public override string? ReadLine() => TryReadLine(out var line) ? Encoding.UTF8.GetString(line) : null;

    // Moves the unread bytes to the front (doubling the buffer when one line fills it) and reads more behind them.
    private void Fill()
    {
        int pending = _end - _start;
        if (pending == _buffer.Length) Array.Resize(ref _buffer, 2 * _buffer.Length);
        else if (_start > 0) _buffer.AsSpan(_start, pending).CopyTo(_buffer);
        (_start, _end) = (0, pending);
        int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0) _eof = true;
        _end += n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _stream.Dispose();
        base.Dispose(disposing);
    }
}
