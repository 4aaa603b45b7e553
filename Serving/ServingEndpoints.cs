using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Serving;

/// <summary>The four routes of <c>np serve</c> and what each answers; every refusal is one line in <c>{"error": ...}</c>.</summary>
internal sealed class ServingEndpoints(OnnxScorer scorer, string modelPath, ServingOptions options, PredictionBatcher batcher, ServingMetrics metrics)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Messages quote names ('x'); the default encoder would send them as \u0027.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { NeuralPipelines.Models.Settings.SettingNames.JsonConverter },
    };

    // Argmax and labels mean something for a classifier only, not for a generator's or a colorizer's pixels.
    private readonly bool _classifier = scorer.Card is null || (scorer.Card.Generator is null && scorer.Card.Colorizer is null);
    private readonly IReadOnlyList<string>? _labels = scorer.Card?.ClassLabels;

    // Cancelled BodyGraceOnStop after stopping begins: ends the body reads of requests that are not done sending.
    private readonly CancellationTokenSource _bodyDeadline = new();

    public void Map(WebApplication app)
    {
        app.Lifetime.ApplicationStopping.Register(() => _bodyDeadline.CancelAfter(options.BodyGraceOnStop));
        // Routing answers an unknown path (404) or a known one with another method (405) with an empty body and past
        // the metrics: give them the same one-line {"error": ...} as every other refusal, and count them.
        app.Use(async (http, next) =>
        {
            await next(http);
            if (http.Response.HasStarted || http.Response.StatusCode is not (StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed)) return;
            var path = http.Request.Path.Value ?? "/";
            var known = path switch { "/predict" => "predict", "/health" => "health", "/model" => "model", "/metrics" => "metrics", _ => null };
            metrics.Request(known ?? "unknown", http.Response.StatusCode);
            await Refuse(http, http.Response.StatusCode, known is null
                ? $"no such endpoint '{path}'; np serve answers POST /predict, GET /health, GET /model and GET /metrics."
                : $"{http.Request.Method} {path} is not answered; use {http.Response.Headers.Allow}.");
        });
        app.MapPost("/predict", Predict);
        app.MapGet("/health", Health);
        app.MapGet("/model", Model);
        app.MapGet("/metrics", Metrics);
    }

    private async Task Predict(HttpContext http)
    {
        long start = Stopwatch.GetTimestamp();
        int status = StatusCodes.Status200OK;
        try
        {
            Task<float[]> answer;
            int count;
            using (var arrival = batcher.BeginArrival())
            {
                byte[] body;
                using (var reading = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _bodyDeadline.Token))
                    body = await RequestBody.ReadAsync(http.Request, options.MaxBodyBytes, reading.Token);
                (var rows, count) = Rows(http.Request.ContentType, body);
                // Ended before queueing: were it still counted, the loop would wait for this very request.
                arrival.Dispose();
                if (!batcher.TryEnqueue(rows, count, out answer))
                {
                    status = StatusCodes.Status503ServiceUnavailable;
                    metrics.Error("queue_full");
                    http.Response.Headers.RetryAfter = "1";
                    await Refuse(http, status, $"the queue is full ({options.QueueCapacity} requests waiting); try again shortly.");
                    return;
                }
            }
            var scores = await answer;
            http.Response.ContentType = "application/json";
            WritePredictions(http.Response.BodyWriter, scores, count);
            await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
        }
        catch (BadRequestException e)
        {
            status = e.Status;
            metrics.Error("bad_request");
            await Refuse(http, status, e.Message);
        }
        catch (OperationCanceledException) when (_bodyDeadline.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
            status = StatusCodes.Status503ServiceUnavailable;
            metrics.Error("stopping");
            http.Response.Headers.Connection = "close";
            await Refuse(http, status, $"the server is stopping and the body did not arrive within {options.BodyGraceOnStop.TotalSeconds:0.#} s of it.");
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            status = 499; // the client went away: nothing to answer, nginx's code for it in the metrics
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            status = StatusCodes.Status500InternalServerError;
            metrics.Error("internal");
            if (!http.Response.HasStarted) await Refuse(http, status, $"scoring failed: {e.Message.ReplaceLineEndings(" ")}");
        }
        finally
        {
            metrics.Request("predict", status);
            metrics.Latency.Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    /// <summary>The rows of a body: JSON, one image (image/png, image/jpeg, image/bmp, application/octet-stream), or a
    /// multipart form whose every part is an image.</summary>
    private (float[] Rows, int Count) Rows(string? contentType, byte[] body)
    {
        var media = contentType is null ? null : MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed : null;
        if (contentType is not null && media is null) throw new BadRequestException($"unreadable Content-Type '{contentType}'.");
        var type = media?.MediaType.Value?.ToLowerInvariant();
        if (type is null or "application/json" || type.EndsWith("+json", StringComparison.Ordinal))
        {
            // The JSON reader reads UTF-8 (RFC 8259 allows no other encoding between systems); a body declared in another
            // charset would be misread, so it is refused rather than guessed.
            var charset = media?.Charset.Value?.Trim('"');
            if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
                throw new BadRequestException($"charset '{charset}' is not read; send the JSON rows as UTF-8 (charset=utf-8 or none).");
            return JsonRows.Read(body, scorer.InputLength, scorer.InputShape, options.MaxRowsPerRequest);
        }
        if (type is "image/png" or "image/jpeg" or "image/bmp" or "application/octet-stream")
            return (ImageRows.Read(body, "the image", scorer.InputShape, options.ResizeImages, options.MaxImagePixels), 1);
        if (type == "multipart/form-data")
            return FormImages(media!, body);
        throw new BadRequestException($"Content-Type '{type}' is not read; send application/json rows, an image (image/png, image/jpeg, image/bmp) or multipart/form-data images.");
    }

    private (float[] Rows, int Count) FormImages(MediaTypeHeaderValue media, byte[] body)
    {
        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) throw new BadRequestException("multipart/form-data without a boundary.");
        var reader = new MultipartReader(boundary, new MemoryStream(body));
        var rows = new List<float[]>();
        try
        {
            // The body is already in memory, so these reads complete synchronously.
            for (var section = reader.ReadNextSectionAsync().GetAwaiter().GetResult(); section is not null; section = reader.ReadNextSectionAsync().GetAwaiter().GetResult())
            {
                if (rows.Count == options.MaxRowsPerRequest) throw new BadRequestException($"more than {options.MaxRowsPerRequest} images in one request; split it.");
                var disposition = section.GetContentDispositionHeader();
                var name = disposition?.FileName.Value ?? disposition?.Name.Value ?? $"part {rows.Count}";
                using var part = new MemoryStream();
                section.Body.CopyTo(part);
                rows.Add(ImageRows.Read(part.ToArray(), name, scorer.InputShape, options.ResizeImages, options.MaxImagePixels));
            }
        }
        catch (IOException e)
        {
            throw new BadRequestException($"malformed multipart body ({e.Message.ReplaceLineEndings(" ")}).", e);
        }
        if (rows.Count == 0) throw new BadRequestException("the form holds no images.");
        return (rows.SelectMany(r => r).ToArray(), rows.Count);
    }

    private void WritePredictions(System.Buffers.IBufferWriter<byte> output, float[] scores, int count)
    {
        using var json = new Utf8JsonWriter(output);
        int width = scorer.OutputLength;
        json.WriteStartObject();
        json.WriteStartArray("predictions");
        for (int i = 0; i < count; i++)
        {
            var row = scores.AsSpan(i * width, width);
            json.WriteStartObject();
            if (_classifier)
            {
                int k = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);
                json.WriteNumber("predicted_class", k);
                if (_labels is not null && k < _labels.Count) json.WriteString("label", _labels[k]);
            }
            json.WriteStartArray(scorer.OutputName);
            foreach (var v in row) json.WriteNumberValue(v);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private Task Health(HttpContext http)
    {
        metrics.Request("health", StatusCodes.Status200OK);
        return http.Response.WriteAsJsonAsync(new { Status = "ok", Model = modelPath, ExecutionProvider = scorer.ExecutionProvider, QueueDepth = batcher.QueueDepth }, Json);
    }

    private Task Model(HttpContext http)
    {
        metrics.Request("model", StatusCodes.Status200OK);
        return http.Response.WriteAsJsonAsync(new
        {
            Model = modelPath,
            ExecutionProvider = scorer.ExecutionProvider,
            InputName = ModelCard.InputName,
            InputShape = scorer.InputShape,
            OutputName = scorer.OutputName,
            OutputLength = scorer.OutputLength,
            AcceptsImages = ImageRows.Accepts(scorer.InputShape),
            MaxBatchRows = options.MaxBatchRows,
            Card = scorer.Card,
        }, Json);
    }

    private async Task Metrics(HttpContext http)
    {
        metrics.Request("metrics", StatusCodes.Status200OK);
        var text = new StringWriter();
        metrics.Write(text, batcher.QueueDepth);
        http.Response.ContentType = ServingMetrics.ContentType;
        await http.Response.WriteAsync(text.ToString());
    }

    private static Task Refuse(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new { Error = message }, Json);
    }
}
