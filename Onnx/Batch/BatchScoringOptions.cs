namespace NeuralPipelines.Onnx.Batch;

/// <summary>How a batch run reads, splits and reports; the model's own settings (device, threads, rows per ONNX Runtime
/// call) are the scorer's <see cref="Scoring.OnnxScorerOptions"/>.</summary>
public sealed record BatchScoringOptions
{
    /// <summary>Rows read, scored and written together. Several ONNX Runtime batches per chunk keep the hand-offs between
    /// the reading, scoring and writing threads rare; a few chunks in flight bound the memory (see <see cref="ChunksInFlight"/>).</summary>
    public int ChunkRows { get; init; } = 4096;

    /// <summary>Chunks a run owns: one being read, one being scored, one being written, and one spare so that no stage waits
    /// on a slow neighbour's every chunk. Memory is this many chunks of inputs and outputs.</summary>
    public int ChunksInFlight { get; init; } = 4;

    /// <summary>Threads that call the scorer at once, each on whole batches (the next one unscored, whoever is free). On the
    /// CPU, a caller per core with one ONNX Runtime intra-op thread each keeps both cores on arithmetic, where one caller with
    /// intra-op threads makes them meet at every operator (see <see cref="ScoringThreadPlan"/>).</summary>
    public int ScoringThreads { get; init; } = 1;

    public Shard Shard { get; init; } = Shard.All;

    public ErrorPolicy OnError { get; init; } = ErrorPolicy.Stop;

    /// <summary>Receives a report after each chunk is written (on the writing thread).</summary>
    public IProgress<ScoringProgress>? Progress { get; init; }
}
