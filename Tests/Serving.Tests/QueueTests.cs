using System.Diagnostics;
using NeuralPipelines.Serving.Tests.Support;

namespace NeuralPipelines.Serving.Tests;

/// <summary>The bounded queue: requests that arrive while the scorer is busy share its next call; a full queue answers
/// 503 at once; stopping the server answers the requests in flight before it ends.</summary>
public sealed class QueueTests
{
    [Fact]
    public async Task Requests_that_wait_while_the_scorer_is_busy_are_scored_together_in_one_call()
    {
        var offline = ServedModel.Offline.Value;
        using var scorer = ServedModel.Scorer();
        var gate = new Gate(scorer);
        var (server, client, own) = await ServedModel.StartAsync(new ServingOptions { MaxBatchRows = 64 }, gate.Score);
        await using var _ = server;
        using var __ = own;
        using var ___ = client;

        var first = client.PostAsync("/predict", ServedModel.Rows(0));
        await gate.EnteredAsync();
        var waiting = Enumerable.Range(1, 10).Select(i => client.PostAsync("/predict", ServedModel.Rows(i))).ToArray();
        await WaitUntil(() => server.QueueDepth == 10);
        gate.Open();
        var answers = await Task.WhenAll(waiting.Prepend(first));
        for (int i = 0; i < answers.Length; i++) ServedModel.SameAnswer(offline[i], Assert.Single(await ServedModel.Predictions(answers[i])));
        Assert.Equal([1, 10], gate.Calls);
        Assert.Equal(2, server.Metrics.Batches);
    }

    [Fact]
    public async Task A_request_of_more_rows_than_the_batch_size_is_scored_in_batches_of_at_most_that_size()
    {
        var offline = ServedModel.Offline.Value;
        using var scorer = ServedModel.Scorer();
        var gate = new Gate(scorer);
        gate.Open();
        var (server, client, own) = await ServedModel.StartAsync(new ServingOptions { MaxBatchRows = 4 }, gate.Score);
        await using var _ = server;
        using var __ = own;
        using var ___ = client;

        using var answer = await client.PostAsync("/predict", ServedModel.Rows([.. Enumerable.Range(0, 10)]));
        var predictions = await ServedModel.Predictions(answer);
        Assert.Equal(10, predictions.Length);
        for (int i = 0; i < predictions.Length; i++) ServedModel.SameAnswer(offline[i], predictions[i]);
        // The maximum /model reports as max_batch_rows holds for every call, and the histogram counts the calls made.
        Assert.Equal([4, 4, 2], gate.Calls);
        Assert.Equal(3, server.Metrics.Batches);
        var metrics = await client.GetStringAsync("/metrics");
        Assert.Contains("np_batch_rows_bucket{le=\"4\"} 3\n", metrics);
    }

    [Fact]
    public async Task A_full_queue_answers_503_at_once_and_the_queued_requests_still_get_their_answers()
    {
        var offline = ServedModel.Offline.Value;
        using var scorer = ServedModel.Scorer();
        var gate = new Gate(scorer);
        var (server, client, own) = await ServedModel.StartAsync(new ServingOptions { QueueCapacity = 2 }, gate.Score);
        await using var _ = server;
        using var __ = own;
        using var ___ = client;

        var busy = client.PostAsync("/predict", ServedModel.Rows(0));
        await gate.EnteredAsync();
        var queued = new[] { client.PostAsync("/predict", ServedModel.Rows(1)), client.PostAsync("/predict", ServedModel.Rows(2)) };
        await WaitUntil(() => server.QueueDepth == 2);

        var clock = Stopwatch.StartNew();
        using var refused = await client.PostAsync("/predict", ServedModel.Rows(3));
        var message = await ServedModel.Refusal(refused, 503);
        Assert.Contains("queue is full", message);
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        // At once: the scorer is still held, so an answer at all proves it did not wait for room.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the 503 took {clock.Elapsed}");

        gate.Open();
        var answers = await Task.WhenAll(queued.Prepend(busy));
        for (int i = 0; i < 3; i++) ServedModel.SameAnswer(offline[i], Assert.Single(await ServedModel.Predictions(answers[i])));
        Assert.Equal(1, server.Metrics.Errors("queue_full"));
        Assert.Equal(1, server.Metrics.Requests("predict", 503));
    }

    [Fact]
    public async Task Stopping_the_server_answers_the_requests_in_flight_then_refuses_connections()
    {
        var offline = ServedModel.Offline.Value;
        using var scorer = ServedModel.Scorer();
        var gate = new Gate(scorer);
        var (server, client, own) = await ServedModel.StartAsync(score: gate.Score);
        using var __ = own;
        using var ___ = client;

        var inFlight = client.PostAsync("/predict", ServedModel.Rows(5));
        await gate.EnteredAsync();
        // The same path SIGTERM takes (the host's StopAsync); it must wait for the held request.
        var stopping = server.StopAsync();
        await Task.Delay(300);
        Assert.False(stopping.IsCompleted, "the server stopped before its request in flight was answered");
        gate.Open();
        ServedModel.SameAnswer(offline[5], Assert.Single(await ServedModel.Predictions(await inFlight)));
        await stopping;
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/health"));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Stopping_does_not_wait_out_the_drain_for_a_client_stalled_mid_body()
    {
        var (server, client, scorer) = await ServedModel.StartAsync(new ServingOptions { BodyGraceOnStop = TimeSpan.FromMilliseconds(200), DrainTimeout = TimeSpan.FromSeconds(20) });
        using var __ = scorer;
        using var ___ = client;
        // Headers and a first byte of a 100 kB body, then nothing: Kestrel no longer times such a body out once stopping.
        using var tcp = await ServedModel.SendRawAsync(server,
            "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[");
        var stream = tcp.GetStream();
        await Task.Delay(300); // the handler is reading the body
        var clock = Stopwatch.StartNew();
        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {clock.Elapsed.TotalSeconds:0.0} s");
        var answer = await new StreamReader(stream).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 503 ", answer);
        Assert.Contains("the server is stopping", answer);
        Assert.Equal(1, server.Metrics.Errors("stopping"));
        await server.DisposeAsync();
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting for the queue");
            await Task.Delay(5);
        }
    }
}
