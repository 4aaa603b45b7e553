using NeuralPipelines.Models.Generative;

namespace NeuralPipelines.Onnx.Metadata;

/// <summary>What an exported generator reads and draws: the model's kind, the noise it expects (kind and size; input
/// <c>input</c> [batch, NoiseSize]) and the images it answers (output <c>scores</c> [batch, ..ImageShape], pixels in [0, 1]).
/// Stored as the "generator" metadata entry, so <c>np sample</c> can draw the same noise for the same seed; a generator of
/// mixture noise carries its components (<see cref="LatentMixture"/>: count, σ and means) there too.</summary>
public sealed record GeneratorCard(GenerativeKind Kind, NoiseKind Noise, int NoiseSize, int[] ImageShape, LatentMixture? Mixture = null);
