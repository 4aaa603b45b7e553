namespace NeuralPipelines.Data.Images;

/// <summary>One colour picture as planar floats: [3 × height × width], R then G then B plane, values in [0, 1].</summary>
public sealed record RgbImage(float[] Pixels, int Height, int Width)
{
    public int PlaneLength => Height * Width;

    public Span<float> Plane(int channel) => Pixels.AsSpan(channel * PlaneLength, PlaneLength);
}
