namespace NeuralPipelines.Onnx.Batch;

/// <summary>A block of consecutive rows on its way through a batch run: the inputs a source read, the scores the model
/// gave, and for each row its index in the whole input, its item name and its label when the input has them.</summary>
/// <remarks>A run owns a few chunks and passes them round (read → score → write → read again), so its memory is a few
/// chunks whatever the input's length, and a steady run allocates no new buffers.</remarks>
public sealed class RowChunk
{
    public RowChunk(int capacity, int inputLength, int outputLength)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A chunk holds at least one row.");
        Capacity = capacity;
        InputLength = inputLength;
        OutputLength = outputLength;
        Inputs = new float[(long)capacity * inputLength];
        Outputs = new float[(long)capacity * outputLength];
        Rows = new long[capacity];
        Items = new string?[capacity];
        Labels = new string?[capacity];
    }

    public int Capacity { get; }
    public int InputLength { get; }
    public int OutputLength { get; }

    /// <summary>Rows filled, at the front of each array.</summary>
    public int Count { get; set; }

    public float[] Inputs { get; }
    public float[] Outputs { get; }

    /// <summary>Each row's 0-based index in the whole (unsharded) input.</summary>
    public long[] Rows { get; }

    /// <summary>Each row's name (an image's relative path); null where the input has none.</summary>
    public string?[] Items { get; }

    /// <summary>Each row's known label (a class folder's name, an IDX label, a CSV label cell); null where there is none.</summary>
    public string?[] Labels { get; }

    /// <summary>Items of this chunk that could not be read, in row order.</summary>
    public List<RowError> Errors { get; } = [];

    /// <summary>The source's <see cref="IRowSource.Fraction"/> when this chunk was filled.</summary>
    public double Fraction { get; set; }

    // The run's bookkeeping: the chunk's place in input order (for the writer) and its batches not yet scored (counted
    // down by the scoring threads; a field, for Interlocked).
    internal long Sequence;
    internal int Unscored;

    /// <summary>The rows' undecoded text, for a source that decodes later (<see cref="IRowSource.Gather"/>); made on first use.</summary>
    public RowText Text => _text ??= new RowText(Capacity);
    private RowText? _text;

    // A failure met while decoding one of this chunk's batches on a scoring thread, and the first row of that batch: the
    // writer, which takes chunks in input order, raises the one of the lowest row, so a run names the first bad row of its
    // input whichever thread met it first.
    private readonly Lock _failureLock = new();
    private Exception? _failure;
    private int _failureRow = int.MaxValue;

    internal void Fail(int row, Exception failure)
    {
        lock (_failureLock)
            if (row < _failureRow) (_failure, _failureRow) = (failure, row);
    }

    internal Exception? Failure { get { lock (_failureLock) return _failure; } }

    public Span<float> Input(int row) => Inputs.AsSpan(row * InputLength, InputLength);

    public ReadOnlySpan<float> Output(int row) => Outputs.AsSpan(row * OutputLength, OutputLength);

    public void Clear()
    {
        Count = 0;
        Errors.Clear();
        _text?.Clear();
        (_failure, _failureRow) = (null, int.MaxValue);
        Array.Clear(Items);
        Array.Clear(Labels);
    }
}
