namespace NeuralPipelines.Onnx.Metadata;

/// <summary>What an exported colorizer reads and answers: input <c>input</c> [batch, 1, Size, Size] is lightness scaled as
/// <see cref="Lightness"/> says, output <c>scores</c> [batch, 2, Size, Size] is chroma (a*, b*) scaled as <see cref="Chroma"/>
/// says. Stored as the "colorizer" metadata entry, so <c>np colorize</c> and any other reader know the scaling.</summary>
public sealed record ColorizerCard(int Size, string Loss, string Lightness = "L*/50-1", string Chroma = "ab/110");
