using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace NeuralPipelines.Serving;

/// <summary>What <c>GET /metrics</c> reports, in the Prometheus text exposition format (version 0.0.4): requests by
/// endpoint and status, errors by kind, rows and batches scored, the batch sizes and the latency of /predict.</summary>
public sealed class ServingMetrics
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly ConcurrentDictionary<(string Endpoint, int Status), StrongBox<long>> _requests = new();
    private readonly ConcurrentDictionary<string, StrongBox<long>> _errors = new();
    private long _rows, _batches;

    /// <summary>Rows per scorer call: powers of two up to well past the default batch.</summary>
    public Histogram BatchRows { get; } = new("np_batch_rows", "Rows scored together in one ONNX Runtime call.",
        [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]);

    /// <summary>Seconds from the start of a /predict request to its answer, from half a millisecond to five seconds.</summary>
    public Histogram Latency { get; } = new("np_predict_duration_seconds", "Time from receiving a /predict request to answering it.",
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);

    public void Request(string endpoint, int status) => Interlocked.Increment(ref _requests.GetOrAdd((endpoint, status), _ => new StrongBox<long>()).Value);

    /// <summary>A refused or failed /predict: bad_request (4xx), queue_full (503), stopping (503: its body was still
    /// arriving when the grace after SIGTERM ran out) or internal (500).</summary>
    public void Error(string kind) => Interlocked.Increment(ref _errors.GetOrAdd(kind, _ => new StrongBox<long>()).Value);

    public void Batch(int rows)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _rows, rows);
        BatchRows.Observe(rows);
    }

    public long Requests(string endpoint, int status) => _requests.TryGetValue((endpoint, status), out var box) ? Interlocked.Read(ref box.Value) : 0;

    public long Errors(string kind) => _errors.TryGetValue(kind, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public long Rows => Interlocked.Read(ref _rows);

    public long Batches => Interlocked.Read(ref _batches);

    /// <param name="queueDepth">Requests waiting for the scorer now.</param>
    public void Write(TextWriter w, int queueDepth)
    {
        w.Write("# HELP np_requests_total HTTP requests answered, by endpoint and status code.\n# TYPE np_requests_total counter\n");
        foreach (var ((endpoint, status), box) in _requests.OrderBy(r => r.Key.Endpoint, StringComparer.Ordinal).ThenBy(r => r.Key.Status))
            w.Write($"np_requests_total{{endpoint=\"{endpoint}\",code=\"{status}\"}} {Interlocked.Read(ref box.Value)}\n");
        w.Write("# HELP np_errors_total Refused or failed predictions: bad_request (4xx), queue_full (503), stopping (503), internal (500).\n# TYPE np_errors_total counter\n");
        foreach (var (kind, box) in _errors.OrderBy(e => e.Key, StringComparer.Ordinal))
            w.Write($"np_errors_total{{kind=\"{kind}\"}} {Interlocked.Read(ref box.Value)}\n");
        w.Write($"# HELP np_rows_total Rows scored.\n# TYPE np_rows_total counter\nnp_rows_total {Rows}\n");
        w.Write($"# HELP np_batches_total ONNX Runtime calls made.\n# TYPE np_batches_total counter\nnp_batches_total {Batches}\n");
        w.Write($"# HELP np_queue_depth Requests waiting for the scorer.\n# TYPE np_queue_depth gauge\nnp_queue_depth {queueDepth}\n");
        BatchRows.Write(w);
        Latency.Write(w);
    }
}
