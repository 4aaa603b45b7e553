using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Generative.Pix2Pix;

namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>The measurements of the colorization experiment, in one place so that <c>colorize-eval</c> (Benchmarks) and the
/// long test tier that reruns docs/EXPERIMENTS.md measure with the same code: each photo colorized at the model's size,
/// then PSNR, SSIM and colourfulness against the photo, averaged over the photos.</summary>
public static class ColorizationMeasure
{
    /// <summary>Photos colorized per forward pass: one pass over thousands would hold all their activations at once.</summary>
    public const int Chunk = 64;

    /// <summary>Every photo of <paramref name="photos"/> colorized, in order, as one planar block like its pixels.</summary>
    public static float[] ColorizeAll(Colorizer colorizer, PhotoSet photos)
    {
        int n = photos.Count, length = photos.ImageLength;
        var all = new float[n * length];
        for (int start = 0; start < n; start += Chunk)
        {
            int count = Math.Min(Chunk, n - start);
            var chunk = photos with { Pixels = photos.Pixels.AsSpan(start * length, count * length).ToArray(), Files = photos.Files.Skip(start).Take(count).ToArray() };
            colorizer.ColorizeBatch(chunk).CopyTo(all.AsSpan(start * length));
        }
        return all;
    }

    /// <summary>The colorizer's results on <paramref name="photos"/> measured against them.</summary>
    public static ColorizationQuality Of(Colorizer colorizer, PhotoSet photos) => Of(ColorizeAll(colorizer, photos), photos);

    /// <summary><paramref name="colorized"/> (one image per photo, in the photos' layout) measured against <paramref name="photos"/>.</summary>
    public static ColorizationQuality Of(float[] colorized, PhotoSet photos)
    {
        int n = photos.Count, length = photos.ImageLength;
        if (n == 0) throw new ArgumentException($"{photos.Source}: no photos to measure colorizations on.");
        if (colorized.Length != photos.Pixels.Length)
            throw new ArgumentException($"{colorized.Length} colorized values are not one image per photo of {photos.Source} ({n} × {length}).");
        double psnr = 0, ssim = 0, colour = 0;
        for (int i = 0; i < n; i++)
        {
            var mine = colorized.AsSpan(i * length, length);
            psnr += ImageQuality.Psnr(mine, photos.Image(i));
            ssim += ImageQuality.Ssim(mine, photos.Image(i), photos.Size, photos.Size);
            colour += ImageQuality.Colourfulness(mine);
        }
        return new ColorizationQuality(psnr / n, ssim / n, colour / n, TruthColourfulness(photos));
    }

    /// <summary>The photos' own mean colourfulness.</summary>
    public static double TruthColourfulness(PhotoSet photos) =>
        Enumerable.Range(0, photos.Count).Average(i => ImageQuality.Colourfulness(photos.Image(i)));
}
