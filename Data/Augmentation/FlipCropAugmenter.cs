namespace NeuralPipelines.Data.Augmentation;

/// <summary>The photo augmentation of pix2pix: a random horizontal flip and a random crop of the photo padded by
/// <see cref="Pad"/> pixels on every side (reflected, so no black border appears that the colorizer would learn to paint).</summary>
/// <remarks>All channels of an image move together (L and its ab target must stay aligned). The crop offset is drawn in
/// −pad..pad on each axis, the flip with probability ½, all from the caller's seeded generator: three draws an image
/// whatever is drawn, so a seed fixes the whole epoch.</remarks>
public sealed class FlipCropAugmenter(int pad = 4, bool flip = true)
{
    private float[] _scratch = [];

    public int Pad { get; } = pad >= 0 ? pad : throw new ArgumentException($"Crop padding must be ≥ 0, got {pad}.");

    /// <summary>Whether images are mirrored (the coin is tossed either way, so crops do not depend on this setting).</summary>
    public bool Flip { get; } = flip;

    public void Apply(Span<float> image, int channels, int height, int width, Random rng)
    {
        int plane = height * width;
        if (image.Length != channels * plane)
            throw new ArgumentException($"Augmentation: an image of {image.Length} values is not {channels}×{height}×{width}.");
        if (Pad >= Math.Min(height, width)) throw new ArgumentException($"Crop padding {Pad} must be smaller than the image ({height}×{width}).");
        bool flip = rng.Next(2) == 1 && Flip;
        int dx = rng.Next(-Pad, Pad + 1), dy = rng.Next(-Pad, Pad + 1);
        if (!flip && dx == 0 && dy == 0) return;
        if (_scratch.Length < plane) _scratch = new float[plane];
        var scratch = _scratch.AsSpan(0, plane);
        for (int c = 0; c < channels; c++)
        {
            var p = image.Slice(c * plane, plane);
            for (int y = 0; y < height; y++)
            {
                int sy = Reflect(y + dy, height);
                for (int x = 0; x < width; x++)
                {
                    int sx = Reflect((flip ? width - 1 - x : x) + dx, width);
                    scratch[y * width + x] = p[sy * width + sx];
                }
            }
            scratch.CopyTo(p);
        }
    }

    /// <summary>Index into the mirror image beyond an edge (…2 1 | 0 1 2 … n−1 | n−2 …), as numpy's "reflect" padding.</summary>
    private static int Reflect(int i, int n) => i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
}
