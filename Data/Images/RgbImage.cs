namespace NeuralPipelines.Data.Images;

/// <summary>One colour picture as planar floats: [3 × height × width], R then G then B plane, values in [0, 1].</summary>
public sealed record RgbImage(float[] Pixels, int Height, int Width)
{
    /// <summary>The photo's opacity, one byte a pixel in row order, or null when it is opaque: carried beside the colours
    /// (not in them) so a transparent PNG colorized stays transparent where it was.</summary>
    public byte[]? Alpha { get; init; }

    public int PlaneLength => Height * Width;

    public Span<float> Plane(int channel) => Pixels.AsSpan(channel * PlaneLength, PlaneLength);
}
