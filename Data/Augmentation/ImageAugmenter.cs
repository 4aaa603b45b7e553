namespace NeuralPipelines.Data.Augmentation;

/// <summary>Applies <see cref="AugmentationOptions"/> to one CHW image in place, drawing from a caller-seeded generator.</summary>
/// <remarks>Rotation and shift are one inverse mapping with bilinear sampling (pixels from outside the image are 0, the
/// background of MNIST-style digits). A whole-pixel shift with no rotation samples exactly, so it moves pixels unchanged.
/// Holds its scratch buffer, so augmenting a batch allocates nothing after the first image.</remarks>
public sealed class ImageAugmenter(AugmentationOptions options)
{
    private float[] _scratch = [];

    public AugmentationOptions Options { get; } = options;

    public void Apply(Span<float> image, int channels, int height, int width, Random rng)
    {
        int plane = height * width;
        if (image.Length != channels * plane)
            throw new ArgumentException($"Augmentation: an image of {image.Length} values is not {channels}×{height}×{width}.");
        if (_scratch.Length < plane) _scratch = new float[plane];
        var o = Options;
        double angle = o.MaxRotationDegrees > 0 ? (rng.NextDouble() * 2 - 1) * o.MaxRotationDegrees * Math.PI / 180 : 0;
        int sx = o.MaxShift > 0 ? rng.Next(-o.MaxShift, o.MaxShift + 1) : 0;
        int sy = o.MaxShift > 0 ? rng.Next(-o.MaxShift, o.MaxShift + 1) : 0;
        bool blur = o.BlurProbability > 0 && rng.NextDouble() < o.BlurProbability;
        var scratch = _scratch.AsSpan(0, plane);
        for (int c = 0; c < channels; c++)
        {
            var p = image.Slice(c * plane, plane);
            if (angle != 0 || sx != 0 || sy != 0)
            {
                Transform(p, scratch, height, width, angle, sx, sy);
                scratch.CopyTo(p);
            }
            if (blur) Blur(p, scratch, height, width);
        }
    }

    /// <summary>dst(x, y) = src(R⁻¹((x, y) − centre − shift) + centre), bilinear.</summary>
    public static void Transform(ReadOnlySpan<float> src, Span<float> dst, int height, int width, double angle, int shiftX, int shiftY)
    {
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double u = x - shiftX - cx, v = y - shiftY - cy;
                double fx = cos * u + sin * v + cx, fy = -sin * u + cos * v + cy;
                dst[y * width + x] = Bilinear(src, height, width, fx, fy);
            }
    }

    private static float Bilinear(ReadOnlySpan<float> src, int height, int width, double fx, double fy)
    {
        int x0 = (int)Math.Floor(fx), y0 = (int)Math.Floor(fy);
        double ax = fx - x0, ay = fy - y0;
        double top = Pixel(src, height, width, x0, y0) * (1 - ax) + (ax == 0 ? 0 : Pixel(src, height, width, x0 + 1, y0) * ax);
        double bottom = ay == 0 ? 0 : Pixel(src, height, width, x0, y0 + 1) * (1 - ax) + (ax == 0 ? 0 : Pixel(src, height, width, x0 + 1, y0 + 1) * ax);
        return (float)(top * (1 - ay) + bottom * ay);
    }

    private static double Pixel(ReadOnlySpan<float> src, int height, int width, int x, int y) =>
        x < 0 || y < 0 || x >= width || y >= height ? 0 : src[y * width + x];

    /// <summary>3×3 binomial blur ([1 2 1]/4 each way), edges clamped.</summary>
    public static void Blur(Span<float> p, Span<float> scratch, int height, int width)
    {
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int l = Math.Max(x - 1, 0), r = Math.Min(x + 1, width - 1);
                scratch[y * width + x] = 0.25f * p[y * width + l] + 0.5f * p[y * width + x] + 0.25f * p[y * width + r];
            }
        for (int y = 0; y < height; y++)
        {
            int u = Math.Max(y - 1, 0), d = Math.Min(y + 1, height - 1);
            for (int x = 0; x < width; x++)
                p[y * width + x] = 0.25f * scratch[u * width + x] + 0.5f * scratch[y * width + x] + 0.25f * scratch[d * width + x];
        }
    }
}
