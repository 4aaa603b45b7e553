using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Text;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>Writes scored chunks as text, a chunk at a time, so the output never sits whole in memory.</summary>
/// <remarks>Each row carries: <c>row</c> (its 0-based index in the whole input, so shards can be merged and sorted back),
/// <c>item</c> (an image's path in the folder) and <c>label</c> (the known label) when the input has them,
/// <c>predicted_class</c> (the index of the largest score), <c>predicted_label</c> (its class name, when the model card
/// lists them), then the model's output values (<c>score_0</c> … in CSV, a <c>scores</c> array in JSON Lines). Numbers are
/// written in the invariant culture with the shortest text that reads back to the same float.
/// Text goes straight into a reused UTF-8 byte buffer (numbers formatted in place, no strings, no char → byte pass), because
/// for a small model formatting the scores costs more than computing them; floats go through <see cref="ShortestFloat"/>,
/// the BCL's text at a fraction of its cost.</remarks>
public abstract class PredictionWriter : IDisposable
{
    // Room for the longest number (a float's shortest round-trip text is at most 15 bytes, a long's 20).
    private const int NumberRoom = 32;
    private static readonly UTF8Encoding Utf8 = new(false);
    private readonly Stream _stream;
    // A large buffer: the output is written in long runs and a write per 4 KiB would be most of its cost.
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _used;
    // Bytes handed to the stream since its disk writes were last started (see Drain).
    private long _sinceWriteback;
    // Every 4 MiB, the file's disk writes are started (Writeback): the commit's fsync then waits for the last few MiB only.
    private const long WritebackBytes = 4 << 20;

    protected PredictionWriter(Stream stream, bool hasItems, bool hasLabels, int outputLength, IReadOnlyList<string>? classLabels)
    {
        _stream = stream;
        HasItems = hasItems;
        HasLabels = hasLabels;
        OutputLength = outputLength;
        ClassLabels = classLabels is { } l && l.Count == outputLength ? l : null;
    }

    public static PredictionWriter Create(PredictionFormat format, Stream stream, bool hasItems, bool hasLabels, int outputLength,
        IReadOnlyList<string>? classLabels) => format switch
    {
        PredictionFormat.JsonLines => new JsonLinesPredictionWriter(stream, hasItems, hasLabels, outputLength, classLabels),
        _ => new CsvPredictionWriter(stream, hasItems, hasLabels, outputLength, classLabels),
    };

    protected bool HasItems { get; }
    protected bool HasLabels { get; }
    protected int OutputLength { get; }
    protected IReadOnlyList<string>? ClassLabels { get; }

    /// <summary>Writes whatever comes before the first row (a CSV header).</summary>
    public abstract void Begin();

    // Compiled optimised at the first call rather than after tiering: a run of np score is over in a second or so, most of it
    // before tier 1 would arrive, and tier-0 code runs several times slower than optimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(RowChunk chunk)
    {
        for (int i = 0; i < chunk.Count; i++)
        {
            var scores = chunk.Output(i);
            WriteRow(chunk.Rows[i], chunk.Items[i], chunk.Labels[i], TensorPrimitives.IndexOfMax(scores), scores);
        }
    }

    protected abstract void WriteRow(long row, string? item, string? label, int predicted, ReadOnlySpan<float> scores);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected void Write(char ascii)
    {
        if (_used == _buffer.Length) Drain();
        _buffer[_used++] = (byte)ascii;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected void Write(string text)
    {
        if (Utf8.GetMaxByteCount(text.Length) > _buffer.Length - _used)
        {
            Drain();
            // A cell longer than the whole buffer (a very long path) goes out on its own.
            if (Utf8.GetMaxByteCount(text.Length) > _buffer.Length)
            {
                _stream.Write(Utf8.GetBytes(text));
                return;
            }
        }
        _used += Utf8.GetBytes(text, _buffer.AsSpan(_used));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected void WriteNumber(float value)
    {
        if (_buffer.Length - _used < NumberRoom) Drain();
        _used += ShortestFloat.Format(value, _buffer.AsSpan(_used));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected void WriteNumber(long value)
    {
        if (_buffer.Length - _used < NumberRoom) Drain();
        value.TryFormat(_buffer.AsSpan(_used), out int n, default, CultureInfo.InvariantCulture);
        _used += n;
    }

    private void Drain()
    {
        _stream.Write(_buffer, 0, _used);
        _sinceWriteback += _used;
        _used = 0;
        if (_sinceWriteback >= WritebackBytes)
        {
            Data.IO.Writeback.Start(_stream);
            _sinceWriteback = 0;
        }
    }

    public void Flush()
    {
        Drain();
        _stream.Flush();
    }

    // As a StreamWriter does: what is buffered goes out on dispose (the atomic writer discards a failed file anyway).
    public void Dispose() => Drain();
}
