using NeuralPipelines.Data.Images;

namespace NeuralPipelines.Data.Tests.Images;

public class CieLabTests
{
    // Published sRGB → CIE L*a*b* (D65) values (Bruce Lindbloom's colour calculator, also EasyRGB and colormine tables).
    [Theory]
    [InlineData(255, 255, 255, 100.0, 0.0, 0.0)]
    [InlineData(0, 0, 0, 0.0, 0.0, 0.0)]
    [InlineData(255, 0, 0, 53.2408, 80.0925, 67.2032)]
    [InlineData(0, 255, 0, 87.7347, -86.1827, 83.1793)]
    [InlineData(0, 0, 255, 32.2970, 79.1875, -107.8602)]
    [InlineData(255, 255, 0, 97.1393, -21.5537, 94.4780)]
    [InlineData(128, 128, 128, 53.5850, 0.0, 0.0)]
    public void Srgb_to_Lab_matches_published_values(int r, int g, int b, double l, double a, double bb)
    {
        var lab = CieLab.FromSrgb(r / 255.0, g / 255.0, b / 255.0);
        Assert.Equal(l, lab.L, 0.02);
        Assert.Equal(a, lab.A, 0.02);
        Assert.Equal(bb, lab.B, 0.02);
    }

    [Fact]
    public void Round_trip_over_the_sRGB_cube_is_exact_to_rounding()
    {
        double worst = 0;
        for (int r = 0; r <= 255; r += 15)
            for (int g = 0; g <= 255; g += 15)
                for (int b = 0; b <= 255; b += 15)
                {
                    var (l, a, bb) = CieLab.FromSrgb(r / 255.0, g / 255.0, b / 255.0);
                    var back = CieLab.ToSrgb(l, a, bb);
                    worst = Math.Max(worst, Math.Max(Math.Abs(back.R - r / 255.0), Math.Max(Math.Abs(back.G - g / 255.0), Math.Abs(back.B - b / 255.0))));
                }
        Assert.True(worst < 1e-9, $"worst round-trip error {worst}");
    }

    [Fact]
    public void Model_scaling_round_trips_planar_float_images_within_a_tenth_of_a_grey_level()
    {
        var rng = new Random(3);
        int p = 500;
        var rgb = new float[3 * p];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (float)rng.NextDouble();
        float[] l = new float[p], ab = new float[2 * p], back = new float[3 * p], scratch = new float[3 * p];
        LabScaling.FromSrgb(rgb, l, ab, scratch);
        Assert.All(l, v => Assert.InRange(v, -1f, 1f));
        Assert.All(ab, v => Assert.InRange(v, -1f, 1f));
        LabScaling.ToSrgb(l, ab, back, scratch);
        for (int i = 0; i < rgb.Length; i++) Assert.True(Math.Abs(rgb[i] - back[i]) < 0.1f / 255, $"value {i}: {rgb[i]} came back as {back[i]}");
    }

    [Fact]
    public void Out_of_gamut_Lab_is_clipped_into_the_sRGB_cube()
    {
        var (r, g, b) = CieLab.ToSrgb(50, 120, -120);
        Assert.InRange(r, 0, 1); Assert.InRange(g, 0, 1); Assert.InRange(b, 0, 1);
    }
}
