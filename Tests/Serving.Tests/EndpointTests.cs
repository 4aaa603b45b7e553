using System.Globalization;
using System.Text.Json;
using NeuralPipelines.Serving.Tests.Support;

namespace NeuralPipelines.Serving.Tests;

/// <summary>/health, /model (the model card) and /metrics (Prometheus text) say what the server is and has done.</summary>
public sealed class EndpointTests
{
    [Fact]
    public async Task Health_says_ok_and_where_the_model_runs()
    {
        var (server, client, scorer) = await ServedModel.StartAsync();
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/health"));
        Assert.Equal("ok", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("CPU", doc.RootElement.GetProperty("execution_provider").GetString());
    }

    [Fact]
    public async Task Model_is_the_card_the_onnx_file_carries()
    {
        var (server, client, scorer) = await ServedModel.StartAsync();
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/model"));
        var root = doc.RootElement;
        Assert.Equal([1, 28, 28], root.GetProperty("input_shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal("probabilities", root.GetProperty("output_name").GetString());
        Assert.Equal(10, root.GetProperty("output_length").GetInt32());
        Assert.True(root.GetProperty("accepts_images").GetBoolean());
        var card = root.GetProperty("card");
        Assert.Equal(scorer.Card!.Architecture, card.GetProperty("architecture").GetString());
        Assert.Equal(scorer.Card.ClassLabels, card.GetProperty("class_labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(7, card.GetProperty("seed").GetInt32());
        Assert.Equal("softmax", card.GetProperty("output_activation").GetString());
    }

    [Fact]
    public async Task Metrics_count_requests_errors_rows_batches_and_latencies_in_prometheus_text()
    {
        var (server, client, scorer) = await ServedModel.StartAsync();
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;
        for (int i = 0; i < 5; i++) (await client.PostAsync("/predict", ServedModel.Rows(i, i + 1))).Dispose();
        (await client.PostAsync("/predict", ServedModel.Json("{"))).Dispose();
        (await client.GetAsync("/health")).Dispose();

        using var response = await client.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var samples = Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(5, samples["np_requests_total{endpoint=\"predict\",code=\"200\"}"]);
        Assert.Equal(1, samples["np_requests_total{endpoint=\"predict\",code=\"400\"}"]);
        Assert.Equal(1, samples["np_requests_total{endpoint=\"health\",code=\"200\"}"]);
        Assert.Equal(1, samples["np_errors_total{kind=\"bad_request\"}"]);
        Assert.Equal(10, samples["np_rows_total"]);
        Assert.Equal(5, samples["np_batches_total"]);
        Assert.Equal(0, samples["np_queue_depth"]);
        // Five calls of two rows each: none at le=1, all at le=2, and the sum is the rows.
        Assert.Equal(0, samples["np_batch_rows_bucket{le=\"1\"}"]);
        Assert.Equal(5, samples["np_batch_rows_bucket{le=\"2\"}"]);
        Assert.Equal(5, samples["np_batch_rows_bucket{le=\"+Inf\"}"]);
        Assert.Equal(10, samples["np_batch_rows_sum"]);
        Assert.Equal(6, samples["np_predict_duration_seconds_count"]);
        Assert.Equal(6, samples["np_predict_duration_seconds_bucket{le=\"+Inf\"}"]);
        Assert.InRange(samples["np_predict_duration_seconds_sum"], 1e-6, 60);
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_and_end_at_inf()
    {
        var h = new Histogram("h", "test", [1, 10]);
        foreach (var v in new[] { 0.5, 1, 2, 10, 11, 100 }) h.Observe(v);
        var text = new StringWriter();
        h.Write(text);
        var samples = Parse(text.ToString());
        Assert.Equal(2, samples["h_bucket{le=\"1\"}"]);
        Assert.Equal(4, samples["h_bucket{le=\"10\"}"]);
        Assert.Equal(6, samples["h_bucket{le=\"+Inf\"}"]);
        Assert.Equal(6, samples["h_count"]);
        Assert.Equal(124.5, samples["h_sum"]);
        Assert.Contains("# TYPE h histogram", text.ToString());
    }

    /// <summary>The text exposition's sample lines: name{labels} value; comments must be HELP or TYPE.</summary>
    private static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Assert.Matches(@"^# (HELP|TYPE) [a-z_]+ ", line);
                continue;
            }
            int space = line.LastIndexOf(' ');
            Assert.Matches(@"^[a-z_]+(\{[a-z_]+=""[^""]*""(,[a-z_]+=""[^""]*"")*\})?$", line[..space]);
            samples.Add(line[..space], double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture));
        }
        return samples;
    }
}
