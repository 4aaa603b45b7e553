using NeuralPipelines.Data.Images;

namespace NeuralPipelines.Data.Tests.Images;

public class ImageQualityTests
{
    [Fact]
    public void Psnr_of_a_uniform_error_is_minus_20_log_of_it()
    {
        var a = new float[3 * 16 * 16];
        var b = a.Select(_ => 0.1f).ToArray();
        Assert.Equal(20.0, ImageQuality.Psnr(a, b), 4);
        Assert.Equal(double.PositiveInfinity, ImageQuality.Psnr(a, a));
    }

    [Fact]
    public void Ssim_is_one_for_the_same_image_and_falls_with_noise()
    {
        var rng = new Random(1);
        var a = Enumerable.Range(0, 3 * 20 * 20).Select(_ => (float)rng.NextDouble()).ToArray();
        Assert.Equal(1.0, ImageQuality.Ssim(a, a, 20, 20), 9);
        var noisy = a.Select(v => Math.Clamp(v + (float)(rng.NextDouble() - 0.5) * 0.5f, 0f, 1f)).ToArray();
        double s = ImageQuality.Ssim(a, noisy, 20, 20);
        Assert.InRange(s, 0.1, 0.95);
        // Brightening a constant patch changes only the luminance term: (2μxμy + c1)/(μx² + μy² + c1).
        var grey = Enumerable.Repeat(0.5f, 3 * 12 * 12).ToArray();
        var lighter = Enumerable.Repeat(0.6f, 3 * 12 * 12).ToArray();
        Assert.Equal((2 * 0.5 * 0.6 + 1e-4) / (0.25 + 0.36 + 1e-4), ImageQuality.Ssim(grey, lighter, 12, 12), 5);
    }

    [Fact]
    public void Colourfulness_is_zero_for_grey_and_follows_its_formula_for_pure_red()
    {
        var grey = Enumerable.Repeat(0.4f, 3 * 10).ToArray();
        Assert.Equal(0, ImageQuality.Colourfulness(grey), 9);
        var red = new float[3 * 10];
        Array.Fill(red, 1f, 0, 10);
        // rg = 255, yb = 127.5 everywhere: no spread, M = 0.3·√(255² + 127.5²).
        Assert.Equal(0.3 * Math.Sqrt(255 * 255 + 127.5 * 127.5), ImageQuality.Colourfulness(red), 6);
    }
}
