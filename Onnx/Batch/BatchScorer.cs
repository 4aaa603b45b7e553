using System.Diagnostics;
using System.Threading.Channels;
using NeuralPipelines.Onnx.Integrity;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>Scores an input of any length in bounded memory: one thread reads chunks, one scores them with the
/// <see cref="OnnxScorer"/>, and the caller's thread writes them, so reading, scoring and writing overlap.</summary>
/// <remarks>
/// The stages pass a fixed set of <see cref="RowChunk"/>s round a loop (free → read → score → write → free), so the memory
/// is <see cref="BatchScoringOptions.ChunksInFlight"/> chunks whatever the input's length, and a stage that runs ahead
/// waits for a free chunk rather than piling rows up. Rows come out in input order. If any stage fails, the others are
/// cancelled and the first failure is what the caller sees; under <see cref="ErrorPolicy.Stop"/> a bad item is such a
/// failure, named by its row order, not by which thread met it first.
/// </remarks>
public sealed class BatchScorer(OnnxScorer scorer, BatchScoringOptions? options = null)
{
    public BatchScoringOptions Options { get; } = options ?? new BatchScoringOptions();

    public ScoringSummary Run(IRowSource source, PredictionWriter writer, CancellationToken cancel = default)
    {
        if (Options.ChunkRows <= 0 || Options.ChunksInFlight < 2)
            throw new ArgumentException($"A batch run needs chunks of at least one row and at least two chunks, got {Options.ChunkRows} rows × {Options.ChunksInFlight}.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var free = Channel.CreateUnbounded<RowChunk>();
        for (int i = 0; i < Options.ChunksInFlight; i++)
            free.Writer.TryWrite(new RowChunk(Options.ChunkRows, scorer.InputLength, scorer.OutputLength));
        var read = Channel.CreateUnbounded<RowChunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var scored = Channel.CreateUnbounded<RowChunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var clock = Stopwatch.StartNew();

        var reading = Stage(() => ReadAll(source, free.Reader, read.Writer, stop.Token), read.Writer, stop);
        var scoring = Stage(() => ScoreAll(source.Source, read.Reader, scored.Writer, stop.Token), scored.Writer, stop);
        var errors = new List<RowError>();
        long rows = 0;
        try
        {
            writer.Begin();
            while (scored.Reader.WaitToReadAsync(stop.Token).AsTask().GetAwaiter().GetResult())
            {
                while (scored.Reader.TryRead(out var chunk))
                {
                    if (chunk.Errors.Count > 0 && Options.OnError == ErrorPolicy.Stop)
                        throw new InvalidDataException(chunk.Errors[0].Error);
                    errors.AddRange(chunk.Errors);
                    writer.Write(chunk);
                    rows += chunk.Count;
                    Options.Progress?.Report(new ScoringProgress(rows, errors.Count, chunk.Fraction, clock.Elapsed));
                    free.Writer.TryWrite(chunk);
                }
            }
            writer.Flush();
        }
        catch
        {
            stop.Cancel();
            // The reader and scorer stop at their next chunk; their own failure, if one came first, is the better message.
            var first = FirstFailure(reading, scoring);
            if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            throw;
        }
        // Both stages have finished (the scored channel completes only after the scorer, which follows the reader).
        if (FirstFailure(reading, scoring) is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        Options.Progress?.Report(new ScoringProgress(rows, errors.Count, 1, clock.Elapsed));
        return new ScoringSummary(rows, errors, clock.Elapsed.TotalSeconds, scorer.ExecutionProvider, scorer.FallbackReason);
    }

    private void ReadAll(IRowSource source, ChannelReader<RowChunk> free, ChannelWriter<RowChunk> read, CancellationToken cancel)
    {
        bool more = true;
        while (more)
        {
            var chunk = free.ReadAsync(cancel).AsTask().GetAwaiter().GetResult();
            chunk.Clear();
            more = source.Fill(chunk, Options.Shard);
            chunk.Fraction = more ? source.Fraction : 1;
            // An empty chunk comes only at the end of the input; it is dropped with the run.
            if (chunk.Count > 0 || chunk.Errors.Count > 0) read.TryWrite(chunk);
        }
    }

    private void ScoreAll(string data, ChannelReader<RowChunk> read, ChannelWriter<RowChunk> scored, CancellationToken cancel)
    {
        while (read.WaitToReadAsync(cancel).AsTask().GetAwaiter().GetResult())
            while (read.TryRead(out var chunk))
            {
                if (chunk.Count > 0)
                {
                    scorer.Score(chunk.Inputs.AsSpan(0, chunk.Count * chunk.InputLength), chunk.Count, chunk.Outputs.AsSpan(0, chunk.Count * chunk.OutputLength));
                    // A score that overflowed to ±∞ (inputs far off the training scale) is an error, never a prediction.
                    // Row by row, because a shard's rows are not consecutive and the message names the input's own row.
                    for (int r = 0; r < chunk.Count; r++)
                        FiniteScores.Ensure(chunk.Outputs.AsSpan(r * chunk.OutputLength, chunk.OutputLength), chunk.OutputLength, scorer.Source, data, chunk.Rows[r]);
                }
                scored.TryWrite(chunk);
            }
    }

    // A stage on its own thread (each blocks for long stretches in native code or file reads): when it ends, well or not,
    // it completes its output channel, so the next stage sees the end or the failure.
    private static Task Stage(Action body, ChannelWriter<RowChunk> output, CancellationTokenSource stop) =>
        Task.Factory.StartNew(() =>
        {
            try
            {
                body();
                output.TryComplete();
            }
            catch (Exception e)
            {
                output.TryComplete(e);
                stop.Cancel();
                throw;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static Exception? FirstFailure(Task reading, Task scoring)
    {
        try { Task.WaitAll(reading, scoring); }
        catch (AggregateException) { }
        foreach (var t in new[] { reading, scoring })
            if (t.Exception?.InnerException is { } e and not OperationCanceledException) return e;
        return null;
    }
}
