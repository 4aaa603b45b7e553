using Microsoft.AspNetCore.Http;

namespace NeuralPipelines.Serving;

/// <summary>A request the server refuses with a 4xx (400 unless <paramref name="status"/> says otherwise, such as
/// Kestrel's 408 for a body arriving too slowly); the message is the one line the client reads.</summary>
public sealed class BadRequestException(string message, Exception? inner = null, int status = StatusCodes.Status400BadRequest) : Exception(message, inner)
{
    public int Status { get; } = status;
}
