using System.Net.Http.Headers;
using NeuralPipelines.Serving.Tests.Support;

namespace NeuralPipelines.Serving.Tests;

/// <summary>Whatever a client sends wrong gets a 400 with one line saying what, and the server keeps serving.</summary>
public sealed class BadRequestTests
{
    [Theory]
    [InlineData("{\"rows\": [[1, 2", "malformed JSON")]
    [InlineData("not json", "malformed JSON")]
    [InlineData("", "malformed JSON")]
    [InlineData("{\"rows\": [[1, 2, 3]]}", "row 0 has 3 values; the model takes 784 (shape [1, 28, 28])")]
    [InlineData("{\"rows\": []}", "no rows")]
    [InlineData("{\"rows\": [\"a\"]}", "row 0 is a string")]
    [InlineData("{\"rows\": [[\"a\"]]}", "row 0 holds a string")]
    [InlineData("{\"rows\": [[1e999]]}", "not a finite float32")]
    [InlineData("{\"inputs\": []}", "unknown field 'inputs'")]
    [InlineData("{}", "has no 'rows'")]
    [InlineData("{\"rows\": [{\"pixels\": [1]}]}", "row 0 has a field 'pixels'")]
    [InlineData("{\"rows\": [[1,,2]]}", "malformed JSON")]
    [InlineData("{\"rows\": [[0]]} {}", "row 0 has 1 values")]
    public async Task Malformed_json_and_wrong_shapes_get_400_with_one_line(string body, string expected)
    {
        var (server, client, scorer) = await ServedModel.StartAsync();
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;
        using var response = await client.PostAsync("/predict", ServedModel.Json(body));
        Assert.Contains(expected, await ServedModel.Refusal(response));
        Assert.Equal(0, server.Metrics.Rows);
        Assert.Equal(1, server.Metrics.Errors("bad_request"));
        // Still serving.
        using var ok = await client.PostAsync("/predict", ServedModel.Rows(0));
        ServedModel.SameAnswer(ServedModel.Offline.Value[0], Assert.Single(await ServedModel.Predictions(ok)));
    }

    [Fact]
    public async Task A_second_row_of_the_wrong_length_is_named()
    {
        var (server, client, scorer) = await ServedModel.StartAsync();
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;
        var row = string.Join(",", Enumerable.Repeat("0", 784));
        using var response = await client.PostAsync("/predict", ServedModel.Json($"[[{row}], [{row},1]]"));
        Assert.Contains("row 1 has 785 values", await ServedModel.Refusal(response));
    }

    [Fact]
    public async Task An_oversized_body_gets_400_whether_or_not_it_says_its_length()
    {
        var (server, client, scorer) = await ServedModel.StartAsync(new ServingOptions { MaxBodyBytes = 10_000 });
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;
        // Ten MNIST rows as JSON are about 25 kB. With Content-Length: refused from the header.
        using var declared = await client.PostAsync("/predict", ServedModel.Rows(Enumerable.Range(0, 10).ToArray()));
        Assert.Contains("over the limit of 10,000", await ServedModel.Refusal(declared));
        // Chunked, no length: refused once the limit is passed while reading.
        var chunked = new StreamContent(new NoLengthStream(await ServedModel.Rows(Enumerable.Range(0, 10).ToArray()).ReadAsByteArrayAsync()));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var streamed = await client.PostAsync("/predict", chunked);
        Assert.Contains("over the limit of 10,000 bytes", await ServedModel.Refusal(streamed));
        Assert.Equal(2, server.Metrics.Errors("bad_request"));
    }

    [Fact]
    public async Task Too_many_rows_and_an_unknown_content_type_get_400()
    {
        var (server, client, scorer) = await ServedModel.StartAsync(new ServingOptions { MaxRowsPerRequest = 2 });
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;
        using var many = await client.PostAsync("/predict", ServedModel.Rows(0, 1, 2));
        Assert.Contains("more than 2 rows", await ServedModel.Refusal(many));
        using var xml = await client.PostAsync("/predict", new StringContent("<rows/>", System.Text.Encoding.UTF8, "application/xml"));
        Assert.Contains("Content-Type 'application/xml' is not read", await ServedModel.Refusal(xml));
        // JSON declared in another charset would be misread as UTF-8: refused; UTF-8 named either way is read.
        var rows = await ServedModel.Rows(0).ReadAsStringAsync();
        using var utf16 = await client.PostAsync("/predict", new StringContent(rows, System.Text.Encoding.Unicode, "application/json"));
        Assert.Contains("charset 'utf-16' is not read", await ServedModel.Refusal(utf16));
        var named = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(rows));
        named.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=\"UTF-8\"");
        using var utf8 = await client.PostAsync("/predict", named);
        Assert.Equal(System.Net.HttpStatusCode.OK, utf8.StatusCode);
    }

    [Fact]
    public async Task A_body_kestrel_cannot_read_gets_400_not_a_scoring_failure()
    {
        var (server, client, scorer) = await ServedModel.StartAsync();
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;
        // "zz" is no chunk size: Kestrel's BadHttpRequestException surfaces from the body read.
        using var tcp = await ServedModel.SendRawAsync(server,
            "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n[[1]]\r\n0\r\n\r\n");
        using var reader = new StreamReader(tcp.GetStream());
        var answer = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 400 ", answer);
        Assert.Contains("unreadable request body: Bad chunk size data.", answer);
        Assert.Equal(1, server.Metrics.Errors("bad_request"));
        Assert.Equal(0, server.Metrics.Errors("internal"));
        Assert.Equal(1, server.Metrics.Requests("predict", 400));
    }

    [Fact]
    public async Task An_unknown_path_or_a_wrong_method_gets_one_line_and_is_counted()
    {
        var (server, client, scorer) = await ServedModel.StartAsync();
        await using var _ = server;
        using var __ = scorer;
        using var ___ = client;
        using var unknown = await client.GetAsync("/predictions");
        Assert.Contains("no such endpoint '/predictions'", await ServedModel.Refusal(unknown, 404));
        using var get = await client.GetAsync("/predict");
        Assert.Contains("GET /predict is not answered; use POST", await ServedModel.Refusal(get, 405));
        Assert.Equal(1, server.Metrics.Requests("unknown", 404));
        Assert.Equal(1, server.Metrics.Requests("predict", 405));
        using var ok = await client.GetAsync("/health");
        Assert.True(ok.IsSuccessStatusCode);
    }

    [Fact]
    public void Json_rows_after_a_utf8_byte_order_mark_are_read()
    {
        var (rows, count) = JsonRows.Read([0xEF, 0xBB, 0xBF, .. "[[1, 2]]"u8], 2, [2], 10);
        Assert.Equal(1, count);
        Assert.Equal([1f, 2f], rows);
    }

    /// <summary>A body whose length is unknown to HttpClient, so it is sent chunked.</summary>
    private sealed class NoLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
