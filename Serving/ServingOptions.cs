namespace NeuralPipelines.Serving;

/// <summary>How <c>np serve</c> listens, gathers requests into batches and refuses what it cannot take; the one place for
/// the server's defaults.</summary>
public sealed record ServingOptions
{
    /// <summary>Where Kestrel listens; port 0 picks a free port (see <see cref="PredictionServer.Urls"/>).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5000";

    /// <summary>Rows scored in one ONNX Runtime call at most: the batch closes when it is full.</summary>
    public int MaxBatchRows { get; init; } = 64;

    /// <summary>How long the first request of a batch waits for others while more are arriving. Short, because it is
    /// added to the latency of every request that does not fill a batch; a batch never waits when no request is being read.</summary>
    public TimeSpan MaxBatchWait { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Requests waiting for the scorer at most; one more is answered 503 at once rather than queued.</summary>
    public int QueueCapacity { get; init; } = 1024;

    /// <summary>The largest request body read, in bytes; a larger one gets a 400 (4 MiB holds about 500 rows of 784
    /// values as JSON text, or any PNG under the pixel limit that a client would sensibly send).</summary>
    public long MaxBodyBytes { get; init; } = 4L * 1024 * 1024;

    /// <summary>Rows one request may carry.</summary>
    public int MaxRowsPerRequest { get; init; } = 1024;

    /// <summary>An uploaded image of another size than the model's is resized (bicubic, stretched) rather than refused.</summary>
    public bool ResizeImages { get; init; }

    /// <summary>The pixel limit of an uploaded image, checked from its header before it is decoded.</summary>
    public long MaxImagePixels { get; init; } = 16L * 1024 * 1024;

    /// <summary>How long SIGTERM (or Ctrl+C) waits for in-flight requests before the process ends.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long, once stopping has begun, a request still sending its body may take to finish it; then it gets a
    /// 503. Kestrel stops enforcing its minimum body data rate during shutdown, so without this a client that stalls
    /// mid-body holds the whole <see cref="DrainTimeout"/>.</summary>
    public TimeSpan BodyGraceOnStop { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks the numbers; throws with one line naming the first bad one.</summary>
    public void Validate()
    {
        ListenUrls.Check(Urls);
        if (MaxBatchRows <= 0) throw new ArgumentException($"The batch size must be positive, got {MaxBatchRows}.");
        if (MaxBatchWait < TimeSpan.Zero) throw new ArgumentException($"The batch wait must not be negative, got {MaxBatchWait.TotalMilliseconds} ms.");
        if (QueueCapacity <= 0) throw new ArgumentException($"The queue capacity must be positive, got {QueueCapacity}.");
        if (MaxBodyBytes <= 0) throw new ArgumentException($"The body limit must be positive, got {MaxBodyBytes}.");
        if (BodyGraceOnStop < TimeSpan.Zero) throw new ArgumentException($"The body grace on stop must not be negative, got {BodyGraceOnStop.TotalSeconds} s.");
        if (MaxRowsPerRequest <= 0) throw new ArgumentException($"The rows per request must be positive, got {MaxRowsPerRequest}.");
    }
}
