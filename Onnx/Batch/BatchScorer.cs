using System.Diagnostics;
using System.Threading.Channels;
using NeuralPipelines.Onnx.Integrity;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>Scores an input of any length in bounded memory: one thread reads chunks, one or more decode and score their
/// batches with the <see cref="OnnxScorer"/>, and the caller's thread writes them, so reading, scoring and writing overlap.</summary>
/// <remarks>
/// The stages pass a fixed set of <see cref="RowChunk"/>s round a loop (free → read → score → write → free), so the memory
/// is <see cref="BatchScoringOptions.ChunksOwned"/> chunks whatever the input's length, and a stage that runs ahead
/// waits for a free chunk rather than piling rows up. The reader cuts each chunk into batches of the scorer's batch size;
/// <see cref="BatchScoringOptions.ScoringThreads"/> threads take the next batch whoever is free (so no thread waits at the
/// end of a chunk for another's share), and a chunk goes to the writer when its last batch is scored. Chunks can finish out
/// of order; the writer puts them back in input order, so rows come out in input order. If any stage fails, the others are
/// cancelled and the first failure is what the caller sees; under <see cref="ErrorPolicy.Stop"/> a bad item is such a
/// failure, named by its row order, not by which thread met it first.
/// </remarks>
public sealed class BatchScorer(OnnxScorer scorer, BatchScoringOptions? options = null)
{
    public BatchScoringOptions Options { get; } = options ?? new BatchScoringOptions();

    public ScoringSummary Run(IRowSource source, PredictionWriter writer, CancellationToken cancel = default)
    {
        if (Options.ChunkRows < 0 || Options.ChunksInFlight < 2 || Options.ScoringThreads < 1)
            throw new ArgumentException($"A batch run needs chunks of at least one row (or 0, automatic), at least two chunks and at least one scoring thread, " +
                                        $"got {Options.ChunkRows} rows × {Options.ChunksInFlight}, {Options.ScoringThreads} threads.");
        int chunkRows = Options.RowsPerChunk(scorer.InputLength, scorer.Options.BatchSize);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var free = Channel.CreateUnbounded<RowChunk>();
        int owned = Options.ChunksOwned;
        for (int i = 0; i < owned; i++)
            free.Writer.TryWrite(new RowChunk(chunkRows, scorer.InputLength, scorer.OutputLength));
        var batches = Channel.CreateUnbounded<Batch>(new UnboundedChannelOptions { SingleReader = Options.ScoringThreads == 1, SingleWriter = true });
        var scored = Channel.CreateUnbounded<RowChunk>(new UnboundedChannelOptions { SingleReader = true });
        var clock = Stopwatch.StartNew();

        var reading = Stage(() => ReadAll(source, free.Reader, batches.Writer, scored.Writer, stop.Token), batches.Writer, stop);
        var scoring = Task.WhenAll(Enumerable.Range(0, Options.ScoringThreads)
            .Select(_ => Stage<RowChunk>(() => ScoreAll(source, batches.Reader, scored.Writer, stop.Token), null, stop)));
        // The scored channel ends when every scoring thread has (they end after the reader, whose last chunks they score),
        // with the first real failure among them, if any.
        scoring.ContinueWith(t => scored.Writer.TryComplete(Failure(t)), TaskScheduler.Default);
        var errors = new List<RowError>();
        long rows = 0;
        try
        {
            writer.Begin();
            // Chunks in flight hold consecutive sequence numbers, so a slot per chunk is room enough to put them in order.
            var waiting = new RowChunk?[owned];
            long next = 0;
            while (scored.Reader.WaitToReadAsync(stop.Token).AsTask().GetAwaiter().GetResult())
            {
                while (scored.Reader.TryRead(out var done))
                {
                    waiting[done.Sequence % waiting.Length] = done;
                    while (waiting[next % waiting.Length] is { } chunk && chunk.Sequence == next)
                    {
                        waiting[next++ % waiting.Length] = null;
                        if (chunk.Failure is { } unreadable) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(unreadable);
                        if (chunk.Errors.Count > 0 && Options.OnError == ErrorPolicy.Stop)
                            throw new InvalidDataException(chunk.Errors[0].Error);
                        errors.AddRange(chunk.Errors);
                        writer.Write(chunk);
                        rows += chunk.Count;
                        Options.Progress?.Report(new ScoringProgress(rows, errors.Count, chunk.Fraction, clock.Elapsed));
                        free.Writer.TryWrite(chunk);
                    }
                }
            }
            writer.Flush();
        }
        catch
        {
            stop.Cancel();
            // The reader and scorers stop at their next chunk; their own failure, if one came first, is the better message.
            var first = FirstFailure(reading, scoring);
            if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            throw;
        }
        // Both stages have finished (the scored channel completes only after the scorers, which follow the reader).
        if (FirstFailure(reading, scoring) is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        Options.Progress?.Report(new ScoringProgress(rows, errors.Count, 1, clock.Elapsed));
        return new ScoringSummary(rows, errors, clock.Elapsed.TotalSeconds, scorer.ExecutionProvider, scorer.FallbackReason);
    }

    // Rows [Start, Start + Count) of a chunk: one ONNX Runtime call.
    private readonly record struct Batch(RowChunk Chunk, int Start, int Count);

    private void ReadAll(IRowSource source, ChannelReader<RowChunk> free, ChannelWriter<Batch> batches, ChannelWriter<RowChunk> scored, CancellationToken cancel)
    {
        bool more = true;
        long sequence = 0;
        int size = scorer.Options.BatchSize;
        while (more)
        {
            var chunk = free.ReadAsync(cancel).AsTask().GetAwaiter().GetResult();
            chunk.Clear();
            more = source.Gather(chunk, Options.Shard);
            chunk.Fraction = more ? source.Fraction : 1;
            // An empty chunk comes only at the end of the input; it is dropped with the run.
            if (chunk.Count == 0 && chunk.Errors.Count == 0) continue;
            chunk.Sequence = sequence++;
            // A chunk of errors only has nothing to score: straight to the writer, in its turn.
            if (chunk.Count == 0)
            {
                scored.TryWrite(chunk);
                continue;
            }
            chunk.Unscored = (chunk.Count + size - 1) / size;
            for (int start = 0; start < chunk.Count; start += size)
                batches.TryWrite(new Batch(chunk, start, Math.Min(size, chunk.Count - start)));
        }
    }

    private void ScoreAll(IRowSource source, ChannelReader<Batch> batches, ChannelWriter<RowChunk> scored, CancellationToken cancel)
    {
        while (batches.WaitToReadAsync(cancel).AsTask().GetAwaiter().GetResult())
            while (batches.TryRead(out var batch))
            {
                var (chunk, start, count) = batch;
                if (Decoded(source, chunk, start, count))
                {
                    var outputs = chunk.Outputs.AsSpan(start * chunk.OutputLength, count * chunk.OutputLength);
                    scorer.Score(chunk.Inputs.AsSpan(start * chunk.InputLength, count * chunk.InputLength), count, outputs);
                    // A score that overflowed to ±∞ (inputs far off the training scale) is an error, never a prediction.
                    // Row by row, because a shard's rows are not consecutive and the message names the input's own row.
                    for (int r = 0; r < count; r++)
                        FiniteScores.Ensure(outputs.Slice(r * chunk.OutputLength, chunk.OutputLength), chunk.OutputLength, scorer.Source, source.Source, chunk.Rows[start + r]);
                }
                // The thread that scores a chunk's last batch hands the chunk on.
                if (Interlocked.Decrement(ref chunk.Unscored) == 0) scored.TryWrite(chunk);
            }
    }

    // Decodes a batch's rows here, on a scoring thread (a CSV's parse, spread over every scoring thread). A row that cannot
    // be read fails the run, but through the writer (RowChunk.Fail), which takes chunks in input order: the run then
    // names the input's first bad row, as a reader decoding row after row would, whichever thread met a bad row first.
    private static bool Decoded(IRowSource source, RowChunk chunk, int start, int count)
    {
        try
        {
            source.Decode(chunk, start, count);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            chunk.Fail(start, e);
            return false;
        }
    }

    // A stage on its own thread (each blocks for long stretches in native code or file reads): when it ends, well or not,
    // it completes its output channel, so the next stage sees the end or the failure.
    private static Task Stage<T>(Action body, ChannelWriter<T>? output, CancellationTokenSource stop) =>
        Task.Factory.StartNew(() =>
        {
            try
            {
                body();
                output?.TryComplete();
            }
            catch (Exception e)
            {
                output?.TryComplete(e);
                stop.Cancel();
                throw;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static Exception? FirstFailure(Task reading, Task scoring)
    {
        try { Task.WaitAll(reading, scoring); }
        catch (AggregateException) { }
        return Failure(reading) ?? Failure(scoring);
    }

    // A stage's own failure: not the cancellation that another stage's failure caused (several scoring threads may hold both).
    private static Exception? Failure(Task stage) =>
        stage.Exception?.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException);
}
