using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Serving.Tests.Support;

/// <summary>An MLP for MNIST (784 → 32 → 10, fixed random weights) exported to ONNX, the shipped MNIST test images as
/// the rows to send, and the offline answers the server must give: <see cref="OnnxScorer"/> on the same rows.</summary>
public static class ServedModel
{
    public static readonly Lazy<byte[]> Onnx = new(() =>
    {
        var net = new Sequential(new Dense(784, 32, Initializer.He, new Random(7)), new ReLU(), new Dense(32, 10, Initializer.Xavier, new Random(8)));
        var card = new ModelCard { Architecture = "mlp", InputShape = [1, 28, 28], ClassLabels = Enumerable.Range(0, 10).Select(k => $"digit {k}").ToArray(), Seed = 7 };
        return OnnxExporter.ExportBytes(net, card);
    });

    /// <summary>The first 1,000 images of the shipped MNIST test set, pixels in [0, 1].</summary>
    public static readonly Lazy<LabelledImages> Images = new(() => IdxImageFolder.Load(ShippedData.Mnist, "mnist").Test.Take(1000));

    /// <summary>Opens a raw connection to <paramref name="server"/> and writes <paramref name="request"/> as it is (for
    /// requests an HTTP client will not send: bad framing, a body that stops); read the answer from the stream.</summary>
    public static async Task<System.Net.Sockets.TcpClient> SendRawAsync(PredictionServer server, string request)
    {
        var uri = new Uri(server.Urls[0]);
        var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(request));
        return tcp;
    }

    public static OnnxScorer Scorer() => new(Onnx.Value, new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = 1 }, "mlp.onnx");

    /// <summary>Offline scoring of every image, one row at a time (no batch the server could share).</summary>
    public static readonly Lazy<float[][]> Offline = new(() =>
    {
        using var scorer = Scorer();
        var images = Images.Value;
        return Enumerable.Range(0, images.Count).Select(i => scorer.Score(images.Image(i), 1)).ToArray();
    });

    public static async Task<(PredictionServer Server, HttpClient Client, OnnxScorer Scorer)> StartAsync(ServingOptions? options = null, PredictionBatcher.Scorer? score = null)
    {
        var scorer = Scorer();
        var server = await PredictionServer.StartAsync(scorer, "mlp.onnx", (options ?? new ServingOptions()) with { Urls = "http://127.0.0.1:0" }, score);
        var client = new HttpClient { BaseAddress = new Uri(server.Urls[0]), Timeout = TimeSpan.FromSeconds(60) };
        return (server, client, scorer);
    }

    public static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    public static StringContent Rows(params int[] images)
    {
        var rows = images.Select(i => Images.Value.Image(i).ToArray()).ToArray();
        return Json(JsonSerializer.Serialize(new { rows }));
    }

    /// <summary>The probabilities of each prediction in a 200 answer.</summary>
    public static async Task<(int Class, string Label, float[] Probabilities)[]> Predictions(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("predictions").EnumerateArray()
            .Select(p => (p.GetProperty("predicted_class").GetInt32(), p.GetProperty("label").GetString()!,
                          p.GetProperty("probabilities").EnumerateArray().Select(v => v.GetSingle()).ToArray()))
            .ToArray();
    }

    /// <summary>A 400's one-line message.</summary>
    public static async Task<string> Refusal(HttpResponseMessage response, int status = 400)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        var error = (await JsonDocument.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)))).RootElement.GetProperty("error").GetString()!;
        Assert.DoesNotContain('\n', error);
        return error;
    }

    /// <summary>Offline and served probabilities agree: the same network on the same floats; batching may reorder the
    /// sums inside ONNX Runtime's matrix product, so not bit for bit.</summary>
    public static void SameAnswer(float[] expected, (int Class, string Label, float[] Probabilities) served)
    {
        Assert.Equal(expected.Length, served.Probabilities.Length);
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], served.Probabilities[k], 1e-6f);
        int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(expected);
        Assert.Equal(best, served.Class);
        Assert.Equal($"digit {best}", served.Label);
    }
}
