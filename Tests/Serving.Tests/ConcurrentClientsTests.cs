using NeuralPipelines.Serving.Tests.Support;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Serving.Tests;

/// <summary>np serve under load: many clients at once, every answer checked against offline scoring of the same row.</summary>
public sealed class ConcurrentClientsTests
{
    [Fact]
    public async Task Eight_clients_of_500_requests_each_get_the_offline_answer_for_every_row()
    {
        const int clients = 8, requests = 500;
        var offline = ServedModel.Offline.Value;
        var (server, client, scorer) = await ServedModel.StartAsync();
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;

        var checkedRows = new int[clients];
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            for (int r = 0; r < requests; r++)
            {
                // Each client walks the images from its own offset, so concurrent batches mix different rows.
                int image = (c * 125 + r) % offline.Length;
                using var response = await client.PostAsync("/predict", ServedModel.Rows(image));
                var prediction = Assert.Single(await ServedModel.Predictions(response));
                ServedModel.SameAnswer(offline[image], prediction);
                checkedRows[c]++;
            }
        })));

        Assert.All(checkedRows, n => Assert.Equal(requests, n));
        Assert.Equal(clients * requests, server.Metrics.Requests("predict", 200));
        Assert.Equal(clients * requests, server.Metrics.Rows);
        Assert.Equal(clients * requests, server.Metrics.Latency.Count);
        // Every call scored at least one row and none lost any: batches ≤ rows; how many shared a call depends on timing.
        Assert.InRange(server.Metrics.Batches, 1, clients * requests);
    }

    [Fact]
    public async Task A_request_of_many_rows_is_answered_row_for_row_in_order()
    {
        var offline = ServedModel.Offline.Value;
        var (server, client, scorer) = await ServedModel.StartAsync(new ServingOptions { MaxBatchRows = 16 });
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;
        // 100 rows, more than a batch holds: they are scored in one call of their own and answered in order.
        var images = Enumerable.Range(300, 100).ToArray();
        using var response = await client.PostAsync("/predict", ServedModel.Rows(images));
        var predictions = await ServedModel.Predictions(response);
        Assert.Equal(images.Length, predictions.Length);
        for (int i = 0; i < images.Length; i++) ServedModel.SameAnswer(offline[images[i]], predictions[i]);
    }

    [Fact]
    public async Task An_mlnet_zip_holding_the_model_is_served_like_the_onnx_file()
    {
        using var temp = new TempFolder();
        var zip = temp.File("mlp.zip");
        using (var onnx = ServedModel.Scorer())
            NeuralPipelines.Onnx.MlNet.OnnxModelZip.Save(ServedModel.Onnx.Value, onnx.Card!, "Features", zip);
        using var scorer = NeuralPipelines.Onnx.Scoring.OnnxScorer.Load(zip, new() { PreferCuda = false, IntraOpNumThreads = 1 });
        await using var server = await PredictionServer.StartAsync(scorer, zip, new ServingOptions { Urls = "http://127.0.0.1:0" });
        using var client = new HttpClient { BaseAddress = new Uri(server.Urls[0]) };
        using var response = await client.PostAsync("/predict", ServedModel.Rows(11, 12));
        var predictions = await ServedModel.Predictions(response);
        ServedModel.SameAnswer(ServedModel.Offline.Value[11], predictions[0]);
        ServedModel.SameAnswer(ServedModel.Offline.Value[12], predictions[1]);
    }
}
