using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Serving;

/// <summary>An HTTP prediction server over one <see cref="OnnxScorer"/> (ASP.NET Core's Kestrel): <c>POST /predict</c>,
/// <c>GET /health</c>, <c>GET /model</c> and <c>GET /metrics</c>. Requests are gathered into batches by a
/// <see cref="PredictionBatcher"/>. Stopping it (SIGTERM, Ctrl+C, <see cref="StopAsync"/>) stops accepting connections,
/// lets the requests in flight finish (up to <see cref="ServingOptions.DrainTimeout"/>), then ends the batcher.</summary>
public sealed class PredictionServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly PredictionBatcher _batcher;
    private bool _stopped;

    private PredictionServer(WebApplication app, PredictionBatcher batcher, ServingMetrics metrics)
    {
        _app = app;
        _batcher = batcher;
        Metrics = metrics;
    }

    /// <summary>The addresses Kestrel listens on, with the real port when port 0 was asked for.</summary>
    public IReadOnlyList<string> Urls { get; private set; } = [];

    public ServingMetrics Metrics { get; }

    /// <summary>Requests waiting for the scorer now.</summary>
    public int QueueDepth => _batcher.QueueDepth;

    /// <summary>Starts listening; returns once the server accepts connections.</summary>
    /// <param name="score">What scores a batch; by default <paramref name="scorer"/>'s <see cref="OnnxScorer.Score(ReadOnlySpan{float}, int)"/>.</param>
    /// <exception cref="IOException">The address is taken or cannot be bound; the message names it.</exception>
    public static async Task<PredictionServer> StartAsync(OnnxScorer scorer, string modelPath, ServingOptions options, PredictionBatcher.Scorer? score = null)
    {
        options.Validate();
        var metrics = new ServingMetrics();
        var batcher = new PredictionBatcher(score ?? ((rows, count) => scorer.Score(rows, count)), scorer.InputLength, scorer.OutputLength, options, metrics);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        // One line per event is the command line's job; ASP.NET's own log lines would interleave with it.
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Urls);
        // The body limit is enforced by /predict itself, so an oversized body gets the same 400 line as any other bad input.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.DrainTimeout);
        builder.Services.Configure<ConsoleLifetimeOptions>(c => c.SuppressStatusMessages = true);
        var app = builder.Build();
        var endpoints = new ServingEndpoints(scorer, modelPath, options, batcher, metrics);
        endpoints.Map(app);
        var server = new PredictionServer(app, batcher, metrics);
        try { await app.StartAsync().ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            await batcher.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"{options.Urls}: cannot listen there ({e.Message.ReplaceLineEndings(" ")}).", e);
        }
        server.Urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
        return server;
    }

    /// <summary>Completes when the host has been told to stop (SIGTERM, Ctrl+C) and has drained its requests.</summary>
    public async Task WaitForShutdownAsync()
    {
        await _app.WaitForShutdownAsync().ConfigureAwait(false);
        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>Stops accepting requests, waits for those in flight, then answers anything still queued and ends the batcher.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync().ConfigureAwait(false);
        await _batcher.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
