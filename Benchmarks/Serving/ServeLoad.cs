using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Benchmarks.Serving;

/// <summary>A load generator for <c>np serve</c>, run as a second process on loopback: closed-loop clients each send
/// one request after another (MNIST test rows as JSON) for a fixed time; prints requests/s and p50/p99 latency per
/// client count, then offline scoring's rows/s of the same model in this process, for comparison.</summary>
/// <remarks><c>dotnet run -c Release --project Benchmarks -- serve-load --url http://127.0.0.1:8080 --model mlp.onnx
/// [--clients 1,8,32] [--seconds 10] [--rows 1] [--threads 2]</c></remarks>
public static class ServeLoad
{
    public static int Run(string[] args, TextWriter output)
    {
        string Arg(string name, string fallback) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        var url = new Uri(Arg("--url", "http://127.0.0.1:8080"));
        var model = Arg("--model", "");
        var clientCounts = Arg("--clients", "1,8,32").Split(',').Select(int.Parse).ToArray();
        var seconds = double.Parse(Arg("--seconds", "10"), CultureInfo.InvariantCulture);
        int rowsPerRequest = int.Parse(Arg("--rows", "1"));
        int threads = int.Parse(Arg("--threads", Environment.ProcessorCount.ToString()));

        var images = IdxImageFolder.Load(ShippedData.Mnist, "mnist").Test;
        var bodies = Enumerable.Range(0, 256).Select(b =>
        {
            var rows = Enumerable.Range(0, rowsPerRequest).Select(r => images.Image((b * rowsPerRequest + r) % images.Count).ToArray()).ToArray();
            return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { rows }));
        }).ToArray();

        output.WriteLine($"np serve at {url}, {rowsPerRequest} row(s) per request, {seconds:F0} s per load level, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        output.WriteLine("clients  requests  errors  requests/s  rows/s  p50 ms  p99 ms");
        foreach (int clients in clientCounts)
        {
            var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
            Level(http, bodies, clients, 1.0); // warm-up: connections, JIT, the server's first batches
            var (latencies, errors, elapsed) = Level(http, bodies, clients, seconds);
            latencies.Sort();
            double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
            output.WriteLine($"{clients,7}  {latencies.Count,8}  {errors,6}  {latencies.Count / elapsed,10:F0}  {latencies.Count * rowsPerRequest / elapsed,6:F0}  {Percentile(0.5),6:F2}  {Percentile(0.99),6:F2}");
        }

        if (model.Length > 0)
        {
            using var scorer = OnnxScorer.Load(model, new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = threads });
            foreach (int batch in new[] { 1, 64 })
            {
                int n = 20_000 / batch * batch;
                var rows = new float[(long)n * scorer.InputLength];
                for (int i = 0; i < n; i++) images.Image(i % images.Count).CopyTo(rows.AsSpan(i * scorer.InputLength));
                var result = new float[(long)batch * scorer.OutputLength];
                for (int i = 0; i < 200; i++) scorer.Score(rows.AsSpan(0, batch * scorer.InputLength), batch, result);
                var clock = Stopwatch.StartNew();
                for (int start = 0; start < n; start += batch) scorer.Score(rows.AsSpan(start * scorer.InputLength, batch * scorer.InputLength), batch, result);
                output.WriteLine($"offline OnnxScorer, {threads} threads, batch {batch,3}: {n / clock.Elapsed.TotalSeconds:F0} rows/s");
            }
        }
        return 0;
    }

    private static (List<double> LatenciesMs, int Errors, double Seconds) Level(HttpClient http, byte[][] bodies, int clients, double seconds)
    {
        var latencies = new List<double>();
        int errors = 0;
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        Task.WaitAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = new List<double>();
            int i = c;
            while (clock.Elapsed < end)
            {
                var content = new ByteArrayContent(bodies[i++ % bodies.Length]);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                long start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/predict", content);
                await response.Content.ReadAsByteArrayAsync();
                if (response.IsSuccessStatusCode) mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                else Interlocked.Increment(ref errors);
            }
            lock (latencies) latencies.AddRange(mine);
        })).ToArray());
        return (latencies, errors, clock.Elapsed.TotalSeconds);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
