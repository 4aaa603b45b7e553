using System.Diagnostics;
using System.Threading.Channels;

namespace NeuralPipelines.Serving;

/// <summary>Gathers concurrent requests into batches for one scorer: a bounded queue (a full one refuses at once), and a
/// single loop that takes the first waiting request, adds whatever else arrives until the batch is full or the short
/// wait is over, scores all their rows in one call and answers each request with its own slice.</summary>
/// <remarks>
/// Why batches: one ONNX Runtime call on 32 rows costs far less than 32 calls on one (the weights are read once, the
/// matrix products are wider), so under load requests/s grow with the load instead of staying at one call's rate.
/// The wait only happens while further requests are being read (<see cref="BeginArrival"/>): a lone request is scored
/// at once, and a burst is not cut into batches of one.
/// </remarks>
public sealed class PredictionBatcher : IAsyncDisposable
{
    /// <summary>Scores <c>count</c> rows laid end to end and returns count × output-length values.</summary>
    public delegate float[] Scorer(float[] rows, int count);

    private sealed record Pending(float[] Rows, int Count, TaskCompletionSource<float[]> Answer);

    private readonly Channel<Pending> _queue;
    private readonly Scorer _score;
    private readonly int _inputLength, _outputLength, _maxBatchRows;
    private readonly long _maxWaitTicks;
    private readonly ServingMetrics _metrics;
    private readonly Task _loop;
    private int _arriving, _depth;

    public PredictionBatcher(Scorer score, int inputLength, int outputLength, ServingOptions options, ServingMetrics metrics)
    {
        options.Validate();
        _score = score;
        _inputLength = inputLength;
        _outputLength = outputLength;
        _maxBatchRows = options.MaxBatchRows;
        _maxWaitTicks = (long)(options.MaxBatchWait.TotalSeconds * Stopwatch.Frequency);
        _metrics = metrics;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleWriter = false,
            // The loop keeps one WaitToReadAsync pending across iterations, which a single-reader channel does not allow.
            SingleReader = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Factory.StartNew(Loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Requests waiting in the queue now.</summary>
    public int QueueDepth => Volatile.Read(ref _depth);

    /// <summary>Marks a request as being read (its body, its JSON) until the handle is disposed; a batch waits for such
    /// requests, up to the wait, rather than leaving without them.</summary>
    public Arrival BeginArrival()
    {
        Interlocked.Increment(ref _arriving);
        return new Arrival(this);
    }

    /// <summary>Queues <paramref name="count"/> rows; false when the queue is full (the caller answers 503) or closed.</summary>
    public bool TryEnqueue(float[] rows, int count, out Task<float[]> answer)
    {
        if (rows.Length != (long)count * _inputLength)
            throw new ArgumentException($"{count} rows need {(long)count * _inputLength} values, got {rows.Length}.");
        var pending = new Pending(rows, count, new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        answer = pending.Answer.Task;
        Interlocked.Increment(ref _depth);
        if (_queue.Writer.TryWrite(pending)) return true;
        Interlocked.Decrement(ref _depth);
        return false;
    }

    /// <summary>Stops taking requests, answers every queued one, then ends the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task Loop()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>();
        Task<bool>? more = null;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (!reader.TryRead(out var first)) continue;
            Taken();
            batch.Add(first);
            int rows = first.Count;
            long deadline = Stopwatch.GetTimestamp() + _maxWaitTicks;
            while (rows < _maxBatchRows)
            {
                if (reader.TryPeek(out var next))
                {
                    if (rows + next.Count > _maxBatchRows) break;
                    reader.TryRead(out next);
                    Taken();
                    batch.Add(next!);
                    rows += next!.Count;
                    continue;
                }
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0 || Volatile.Read(ref _arriving) == 0) break;
                more ??= reader.WaitToReadAsync().AsTask();
                var delay = Task.Delay(TimeSpan.FromSeconds((double)left / Stopwatch.Frequency));
                if (await Task.WhenAny(more, delay).ConfigureAwait(false) == more)
                {
                    bool open = more.Result;
                    more = null;
                    if (!open) break;
                }
            }
            Score(batch, rows);
            batch.Clear();
        }
    }

    private void Taken() => Interlocked.Decrement(ref _depth);

    private void Score(List<Pending> batch, int rows)
    {
        try
        {
            float[] input;
            if (batch.Count == 1) input = batch[0].Rows;
            else
            {
                input = new float[(long)rows * _inputLength];
                int at = 0;
                foreach (var p in batch)
                {
                    p.Rows.CopyTo(input, at);
                    at += p.Rows.Length;
                }
            }
            var output = ScoreAtMostABatch(input, rows);
            if (batch.Count == 1) { batch[0].Answer.TrySetResult(output); return; }
            int start = 0;
            foreach (var p in batch)
            {
                p.Answer.TrySetResult(output.AsSpan(start, p.Count * _outputLength).ToArray());
                start += p.Count * _outputLength;
            }
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Answer.TrySetException(e);
        }
    }

    // Only a lone request can be larger than a batch (one request may carry more rows than --batch-size): it is scored in
    // batches of at most MaxBatchRows, so the maximum /model reports holds for every scorer call and np_batch_rows counts
    // the calls that were made.
    private float[] ScoreAtMostABatch(float[] input, int rows)
    {
        if (rows <= _maxBatchRows)
        {
            var whole = _score(input, rows);
            _metrics.Batch(rows);
            return whole;
        }
        var output = new float[(long)rows * _outputLength];
        for (int start = 0; start < rows; start += _maxBatchRows)
        {
            int n = Math.Min(_maxBatchRows, rows - start);
            var part = _score(input.AsSpan(start * _inputLength, n * _inputLength).ToArray(), n);
            part.AsSpan(0, n * _outputLength).CopyTo(output.AsSpan(start * _outputLength));
            _metrics.Batch(n);
        }
        return output;
    }

    /// <summary>A request being read; see <see cref="BeginArrival"/>. Ends once (disposing again does nothing), so the
    /// handler can end it just before queueing, and a lone request does not make its own batch wait for it.</summary>
    public sealed class Arrival(PredictionBatcher batcher) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0) Interlocked.Decrement(ref batcher._arriving);
        }
    }
}
