namespace NeuralPipelines.Onnx.Batch;

/// <summary>How a batch run reads, splits and reports; the model's own settings (device, threads, rows per ONNX Runtime
/// call) are the scorer's <see cref="Scoring.OnnxScorerOptions"/>.</summary>
public sealed record BatchScoringOptions
{
    /// <summary>Rows read, scored and written together; 0 (the default): <see cref="RowsPerChunk"/> decides. Several ONNX
    /// Runtime batches per chunk keep the hand-offs between the reading, scoring and writing threads rare; a few chunks in
    /// flight bound the memory (see <see cref="ChunksInFlight"/>). 4096 was the fixed default before branch score3.</summary>
    public int ChunkRows { get; init; }

    /// <summary>The automatic chunk's inputs: about this many bytes.</summary>
    /// <remarks>Why not a fixed 4096 rows: an MNIST chunk of 4096 rows is 12.8 MB of floats, four in flight 51 MB, more than
    /// the last-level cache, so the reader wrote its floats to memory and the scoring threads read them back from it. At
    /// 512 rows (1.6 MB) the reader's CPU per 100,000 MNIST rows fell from 0.04 to 0.02–0.03 CPU-s from unpacked IDX and
    /// from 0.23 to 0.21 from CSV, wall 0.12–0.13 → 0.10–0.12 s and 0.39–0.42 → 0.38 s (Zen 5, <c>score-race --split
    /// --chunk-rows</c>, three rounds alternating, docs/BENCHMARKS.md, branch score3): small, but never worse.</remarks>
    public const int ChunkInputBytes = 2 << 20;

    /// <summary>The automatic chunk's most rows (the old fixed size): small rows (a table's) gain nothing from more.</summary>
    public const int MostAutomaticRows = 4096;

    /// <summary>The rows of a chunk: <see cref="ChunkRows"/> when given, else as many whole batches as fit in about
    /// <see cref="ChunkInputBytes"/> of inputs (at least one batch, at most <see cref="MostAutomaticRows"/> rows when a batch
    /// is smaller).</summary>
    public int RowsPerChunk(int inputLength, int batchSize)
    {
        if (ChunkRows > 0) return ChunkRows;
        batchSize = Math.Max(1, batchSize);
        long batchBytes = 4L * Math.Max(1, inputLength) * batchSize;
        long batches = Math.Clamp(ChunkInputBytes / batchBytes, 1, Math.Max(1, MostAutomaticRows / batchSize));
        return (int)(batches * batchSize);
    }

    /// <summary>Chunks a run owns: one being read, one being scored, one being written, and one spare so that no stage waits
    /// on a slow neighbour's every chunk. Memory is this many chunks of inputs and outputs.</summary>
    public int ChunksInFlight { get; init; } = 4;

    /// <summary>The chunks a run owns on this machine: <see cref="ChunksOwnedOn"/> its processor count.</summary>
    public int ChunksOwned => ChunksOwnedOn(Environment.ProcessorCount);

    /// <summary>The chunks a run owns on a machine of <paramref name="processors"/>: <see cref="ChunksInFlight"/>, or two
    /// more than its scoring threads (at most one a processor) when that is more. Why: a chunk of the automatic size is
    /// two or three batches, and the scoring threads also parse a CSV's rows, so on a machine of many cores four chunks
    /// would leave most of them idle; with one chunk each beside the one being read and the one being written, every
    /// scoring thread can have work. Threads beyond the processors add no work done at once, so they add no chunks (and no
    /// memory).</summary>
    public int ChunksOwnedOn(int processors) => Math.Max(ChunksInFlight, Math.Min(ScoringThreads, Math.Max(1, processors)) + 2);

    /// <summary>Threads that call the scorer at once, each on whole batches (the next one unscored, whoever is free). On the
    /// CPU, a caller per core with one ONNX Runtime intra-op thread each keeps both cores on arithmetic, where one caller with
    /// intra-op threads makes them meet at every operator (see <see cref="ScoringThreadPlan"/>).</summary>
    public int ScoringThreads { get; init; } = 1;

    public Shard Shard { get; init; } = Shard.All;

    public ErrorPolicy OnError { get; init; } = ErrorPolicy.Stop;

    /// <summary>Receives a report after each chunk is written (on the writing thread).</summary>
    public IProgress<ScoringProgress>? Progress { get; init; }
}
