namespace NeuralPipelines.Data.Images;

/// <summary>What an image file's header says: its size in pixels and its format (PNG, JPEG, BMP).</summary>
public sealed record ImageHeader(int Width, int Height, string Format);
