namespace NeuralPipelines.Data.Images;

/// <summary>How near a colorized photo is to the real one, and how colourful a photo is: the measures of the pix2pix
/// colorization experiment. Images are planar RGB [3 × H × W] in [0, 1].</summary>
public static class ImageQuality
{
    /// <summary>Peak signal-to-noise ratio in dB over all three channels: 10·log₁₀(1 / MSE); +∞ for identical images.</summary>
    public static double Psnr(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Same(a, b);
        double sum = 0;
        for (int i = 0; i < a.Length; i++) { double d = a[i] - b[i]; sum += d * d; }
        double mse = sum / a.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(1 / mse);
    }

    /// <summary>Structural similarity (Wang et al. 2004) with their constants (K₁ 0.01, K₂ 0.03, range 1) and an 11×11
    /// Gaussian window of σ 1.5, averaged over the valid window positions and the three channels (as scikit-image's
    /// <c>structural_similarity(..., gaussian_weights=True, channel_axis=0, data_range=1)</c>).</summary>
    public static double Ssim(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int height, int width)
    {
        Same(a, b);
        if (a.Length != 3 * height * width) throw new ArgumentException($"SSIM: {a.Length} values are not a [3×{height}×{width}] image.");
        const int R = 5; // 11×11 window
        if (height < 2 * R + 1 || width < 2 * R + 1) throw new ArgumentException($"SSIM needs images of at least 11×11, got {height}×{width}.");
        var w = new double[2 * R + 1];
        double wsum = 0;
        for (int i = -R; i <= R; i++) wsum += w[i + R] = Math.Exp(-i * i / (2 * 1.5 * 1.5));
        for (int i = 0; i < w.Length; i++) w[i] /= wsum;
        const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
        int plane = height * width;
        double total = 0; int count = 0;
        for (int c = 0; c < 3; c++)
        {
            var x = a.Slice(c * plane, plane); var y = b.Slice(c * plane, plane);
            for (int cy = R; cy < height - R; cy++)
                for (int cx = R; cx < width - R; cx++)
                {
                    double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                    for (int dy = -R; dy <= R; dy++)
                        for (int dx = -R; dx <= R; dx++)
                        {
                            double k = w[dy + R] * w[dx + R];
                            double u = x[(cy + dy) * width + cx + dx], v = y[(cy + dy) * width + cx + dx];
                            mx += k * u; my += k * v; xx += k * u * u; yy += k * v * v; xy += k * u * v;
                        }
                    // Sample (co)variances with the window weights, as skimage's use_sample_covariance over N = 121.
                    double n = (2 * R + 1) * (2 * R + 1), f = n / (n - 1);
                    double vx = f * (xx - mx * mx), vy = f * (yy - my * my), cxy = f * (xy - mx * my);
                    total += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                    count++;
                }
        }
        return total / count;
    }

    /// <summary>Colourfulness M of Hasler and Süsstrunk (2003) on 0–255 values: with rg = R − G and yb = ½(R + G) − B,
    /// M = √(σ_rg² + σ_yb²) + 0.3·√(μ_rg² + μ_yb²). 0 for a grey image; about 30–60 for ordinary colour photos.</summary>
    public static double Colourfulness(ReadOnlySpan<float> rgb)
    {
        if (rgb.Length % 3 != 0) throw new ArgumentException($"Colourfulness: {rgb.Length} values are not a planar RGB image.");
        int p = rgb.Length / 3;
        double srg = 0, syb = 0, srg2 = 0, syb2 = 0;
        for (int i = 0; i < p; i++)
        {
            double r = 255.0 * rgb[i], g = 255.0 * rgb[p + i], b = 255.0 * rgb[2 * p + i];
            double rg = r - g, yb = 0.5 * (r + g) - b;
            srg += rg; syb += yb; srg2 += rg * rg; syb2 += yb * yb;
        }
        double mrg = srg / p, myb = syb / p;
        double vrg = Math.Max(srg2 / p - mrg * mrg, 0), vyb = Math.Max(syb2 / p - myb * myb, 0);
        return Math.Sqrt(vrg + vyb) + 0.3 * Math.Sqrt(mrg * mrg + myb * myb);
    }

    private static void Same(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length == 0) throw new ArgumentException($"Image quality: images of {a.Length} and {b.Length} values cannot be compared.");
    }
}
