using System.Globalization;
using System.Numerics.Tensors;
using System.Text;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>Writes scored chunks as text, a chunk at a time, so the output never sits whole in memory.</summary>
/// <remarks>Each row carries: <c>row</c> (its 0-based index in the whole input, so shards can be merged and sorted back),
/// <c>item</c> (an image's path in the folder) and <c>label</c> (the known label) when the input has them,
/// <c>predicted_class</c> (the index of the largest score), <c>predicted_label</c> (its class name, when the model card
/// lists them), then the model's output values (<c>score_0</c> … in CSV, a <c>scores</c> array in JSON Lines). Numbers are
/// written in the invariant culture with the shortest text that reads back to the same float.</remarks>
public abstract class PredictionWriter : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly char[] _number = new char[32];

    protected PredictionWriter(Stream stream, bool hasItems, bool hasLabels, int outputLength, IReadOnlyList<string>? classLabels)
    {
        // A large buffer: the output is written in long runs and a flush per 4 KiB would be most of its cost.
        _writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
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
    protected TextWriter Text => _writer;

    /// <summary>Writes whatever comes before the first row (a CSV header).</summary>
    public abstract void Begin();

    public void Write(RowChunk chunk)
    {
        for (int i = 0; i < chunk.Count; i++)
        {
            var scores = chunk.Output(i);
            WriteRow(chunk.Rows[i], chunk.Items[i], chunk.Labels[i], TensorPrimitives.IndexOfMax(scores), scores);
        }
    }

    protected abstract void WriteRow(long row, string? item, string? label, int predicted, ReadOnlySpan<float> scores);

    protected void WriteNumber(float value)
    {
        if (!value.TryFormat(_number, out int n, default, CultureInfo.InvariantCulture)) throw new InvalidOperationException("A float's text outgrew its buffer.");
        _writer.Write(_number.AsSpan(0, n));
    }

    protected void WriteNumber(long value)
    {
        value.TryFormat(_number, out int n, default, CultureInfo.InvariantCulture);
        _writer.Write(_number.AsSpan(0, n));
    }

    public void Flush() => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}
