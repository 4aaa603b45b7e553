namespace NeuralPipelines.Serving;

/// <summary>A request the server refuses with 400; the message is the one line the client reads.</summary>
public sealed class BadRequestException(string message, Exception? inner = null) : Exception(message, inner);
