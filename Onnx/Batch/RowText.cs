namespace NeuralPipelines.Onnx.Batch;

/// <summary>Rows a source has cut from its input but not decoded yet (a CSV's lines): their bytes end to end, and each
/// one's line in the file, for messages. Row i of a chunk is text row i.</summary>
/// <remarks>Why: parsing text is most of the cost of scoring a CSV, and one reading thread parsing every row bounds the
/// whole run by one core. Cutting lines is a fast scan; the parse then runs where the rows are scored, on every scoring
/// thread (<see cref="IRowSource.Gather"/>, <see cref="IRowSource.Decode"/>).</remarks>
public sealed class RowText
{
    private byte[] _bytes = new byte[1 << 16];
    private readonly int[] _starts, _lines;

    public RowText(int capacity)
    {
        _starts = new int[capacity + 1];
        _lines = new int[capacity];
    }

    public int Count { get; private set; }

    /// <summary>Bytes of text held.</summary>
    public int Bytes => _starts[Count];

    public void Clear() => Count = 0;

    /// <exception cref="InvalidOperationException">The chunk's rows are all taken.</exception>
    public void Add(ReadOnlySpan<byte> row, int line)
    {
        if (Count == _lines.Length) throw new InvalidOperationException($"A chunk of {_lines.Length} rows holds no more row text.");
        int start = _starts[Count];
        if (row.Length > int.MaxValue - start) throw new InvalidDataException($"A chunk's rows hold more than {int.MaxValue} bytes of text.");
        int end = start + row.Length;
        if (end > _bytes.Length) Array.Resize(ref _bytes, (int)Math.Min(Array.MaxLength, Math.Max(end, 2L * _bytes.Length)));
        row.CopyTo(_bytes.AsSpan(start));
        _lines[Count++] = line;
        _starts[Count] = end;
    }

    public ReadOnlySpan<byte> Row(int i) => _bytes.AsSpan(_starts[i], _starts[i + 1] - _starts[i]);

    /// <summary>The 1-based line of the input that row i was read from.</summary>
    public int Line(int i) => _lines[i];
}
