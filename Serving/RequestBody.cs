using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace NeuralPipelines.Serving;

/// <summary>Reads a request body whole, refusing it as soon as it passes the limit (from Content-Length when it is
/// given, else while reading), so an oversized body costs at most the limit in memory.</summary>
public static class RequestBody
{
    /// <exception cref="BadRequestException">The body is over <paramref name="limit"/> bytes, or Kestrel refused it (bad
    /// chunked framing, too slow).</exception>
    public static async Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken cancel)
    {
        if (request.ContentLength > limit) throw TooLarge(request.ContentLength.Value, limit);
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(4096);
                int n = await request.Body.ReadAsync(memory, cancel).ConfigureAwait(false);
                if (n == 0) break;
                buffer.Advance(n);
                if (buffer.WrittenCount > limit) throw TooLarge(null, limit);
            }
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's refusals of the body itself (bad chunked framing, data arriving below MinRequestBodyDataRate):
            // the client's fault, answered with Kestrel's status (400 or 408), not a 500 counted as a scoring failure.
            throw new BadRequestException($"unreadable request body: {e.Message.ReplaceLineEndings(" ")}", e, e.StatusCode);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static BadRequestException TooLarge(long? length, long limit) =>
        new(length is { } n
            ? $"the body is {n:N0} bytes, over the limit of {limit:N0} (np serve --max-body-bytes)."
            : $"the body is over the limit of {limit:N0} bytes (np serve --max-body-bytes).");
}
