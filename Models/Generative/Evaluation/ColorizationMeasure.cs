using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Tensors;

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

    /// <summary>The chroma the colorizer predicts for every photo of <paramref name="photos"/> (scaled ab, [N × 2 × S × S]),
    /// in order and in chunks like <see cref="ColorizeAll(Colorizer, PhotoSet)"/>.</summary>
    public static float[] PredictChromaAll(Colorizer colorizer, PhotoSet photos)
    {
        if (photos.Size != colorizer.Size) throw new ArgumentException($"{photos.Source} was read at {photos.Size}×{photos.Size} but the colorizer works at {colorizer.Size}×{colorizer.Size}.");
        var (lightness, _) = ScaledLab(photos);
        int n = photos.Count, sp = photos.Size * photos.Size;
        var all = new float[n * 2 * sp];
        for (int start = 0; start < n; start += Chunk)
        {
            int count = Math.Min(Chunk, n - start);
            var l = new Tensor(count, 1, photos.Size, photos.Size);
            lightness.AsSpan(start * sp, count * sp).CopyTo(l.Span);
            colorizer.PredictChroma(l).Span.CopyTo(all.AsSpan(start * 2 * sp));
        }
        return all;
    }

    /// <summary>The photos' own lightness [N × S × S] and chroma [N × 2 × S × S], scaled as the colorizer sees them.</summary>
    public static (float[] Lightness, float[] Chroma) ScaledLab(PhotoSet photos)
    {
        var lab = ColorizerTrainer.ToScaledLab(photos);
        int n = photos.Count, sp = photos.Size * photos.Size, length = photos.ImageLength;
        var l = new float[n * sp];
        var ab = new float[n * 2 * sp];
        for (int i = 0; i < n; i++)
        {
            lab.AsSpan(i * length, sp).CopyTo(l.AsSpan(i * sp));
            lab.AsSpan(i * length + sp, 2 * sp).CopyTo(ab.AsSpan(i * 2 * sp));
        }
        return (l, ab);
    }

    /// <summary>The photos coloured with <paramref name="baseline"/> + α·(<paramref name="model"/> − <paramref name="baseline"/>)
    /// on their own lightness (planar RGB, one image per photo): α = 0 is the baseline, 1 the model, and the values between
    /// trace what shrinking the model's departure trades between PSNR and colourfulness (<see cref="ChromaDeparture"/>).</summary>
    public static float[] Blend(PhotoSet photos, float[] baseline, float[] model, double alpha)
    {
        var (lightness, truth) = ScaledLab(photos);
        if (baseline.Length != truth.Length || model.Length != truth.Length)
            throw new ArgumentException($"Blending needs one chroma block per photo of {photos.Source} ({truth.Length} values): baseline {baseline.Length}, model {model.Length}.");
        int n = photos.Count, sp = photos.Size * photos.Size, length = photos.ImageLength;
        var rgb = new float[n * length];
        var mix = new float[2 * sp];
        var scratch = new float[length];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 2 * sp; j++)
            {
                int k = i * 2 * sp + j;
                mix[j] = (float)(baseline[k] + alpha * (model[k] - baseline[k]));
            }
            LabScaling.ToSrgb(lightness.AsSpan(i * sp, sp), mix, rgb.AsSpan(i * length, length), scratch);
        }
        return rgb;
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
