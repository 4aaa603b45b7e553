using System.Net.Http.Headers;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Serving.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NeuralPipelines.Serving.Tests;

/// <summary>Image models take uploads: a PNG of an MNIST digit is the same row as its pixels sent as JSON.</summary>
public sealed class ImageUploadTests
{
    /// <summary>MNIST image <paramref name="i"/> as a greyscale PNG (lossless: its bytes are the IDX file's bytes).</summary>
    private static byte[] Png(int i, int size = 28)
    {
        var png = ImageWriter.GreyPng(ServedModel.Images.Value.Image(i), 28, 28);
        if (size == 28) return png;
        using var image = Image.Load<L8>(png);
        image.Mutate(c => c.Resize(size, size));
        using var s = new MemoryStream();
        image.SaveAsPng(s);
        return s.ToArray();
    }

    private static ByteArrayContent Upload(byte[] bytes, string type = "image/png")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    [Fact]
    public async Task A_png_upload_is_scored_like_its_pixels()
    {
        var (server, client, scorer) = await ServedModel.StartAsync();
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;
        for (int i = 0; i < 5; i++)
        {
            using var response = await client.PostAsync("/predict", Upload(Png(i)));
            ServedModel.SameAnswer(ServedModel.Offline.Value[i], Assert.Single(await ServedModel.Predictions(response)));
        }
    }

    [Fact]
    public async Task A_multipart_form_of_images_gets_one_prediction_per_image_in_order()
    {
        var (server, client, scorer) = await ServedModel.StartAsync();
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;
        using var form = new MultipartFormDataContent();
        foreach (int i in new[] { 7, 3, 9 }) form.Add(Upload(Png(i)), "image", $"digit{i}.png");
        using var response = await client.PostAsync("/predict", form);
        var predictions = await ServedModel.Predictions(response);
        Assert.Equal(3, predictions.Length);
        ServedModel.SameAnswer(ServedModel.Offline.Value[7], predictions[0]);
        ServedModel.SameAnswer(ServedModel.Offline.Value[3], predictions[1]);
        ServedModel.SameAnswer(ServedModel.Offline.Value[9], predictions[2]);
    }

    [Fact]
    public async Task An_image_of_another_size_is_refused_unless_resizing_was_asked_for()
    {
        var big = Png(0, size: 56);
        var (server, client, scorer) = await ServedModel.StartAsync();
        await using (server)
        using (scorer)
        using (client)
        {
            using var refused = await client.PostAsync("/predict", Upload(big));
            Assert.Contains("the image is 56×56; the model takes 28×28", await ServedModel.Refusal(refused));
        }
        var (resizing, client2, scorer2) = await ServedModel.StartAsync(new ServingOptions { ResizeImages = true });
        await using var _ = resizing;
        using var __ = scorer2;
        using var ___ = client2;
        using var response = await client2.PostAsync("/predict", Upload(big));
        // Doubled then halved with bicubic filters: close to the digit, not its exact bytes; the class must survive.
        var prediction = Assert.Single(await ServedModel.Predictions(response));
        Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(ServedModel.Offline.Value[0]), prediction.Class);
    }

    [Fact]
    public async Task Truncated_foreign_and_oversized_images_get_400_naming_the_part()
    {
        var (server, client, scorer) = await ServedModel.StartAsync(new ServingOptions { MaxImagePixels = 1000 });
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;
        var png = Png(1);
        using var truncated = await client.PostAsync("/predict", Upload(png[..(png.Length / 2)]));
        Assert.Contains("the image", await ServedModel.Refusal(truncated));
        using var gif = await client.PostAsync("/predict", Upload("GIF89a\x01\x00\x01\x00"u8.ToArray(), "image/png"));
        Assert.Contains("not an image this server reads (PNG, JPEG or BMP)", await ServedModel.Refusal(gif));
        using var form = new MultipartFormDataContent();
        form.Add(Upload(Png(1, size: 56)), "image", "big.png");
        using var oversized = await client.PostAsync("/predict", form);
        Assert.Contains("big.png: 56×56 is 3,136 pixels, over the limit of 1,000", await ServedModel.Refusal(oversized));
        Assert.Equal(0, server.Metrics.Rows);
    }
}
