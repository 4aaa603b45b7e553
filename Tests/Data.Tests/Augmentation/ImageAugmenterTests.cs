using NeuralPipelines.Data.Augmentation;

namespace NeuralPipelines.Data.Tests.Augmentation;

public class ImageAugmenterTests
{
    private static float[] Digit()
    {
        var img = new float[28 * 28];
        for (int y = 8; y < 20; y++) img[y * 28 + 14] = 1f;   // a vertical stroke
        for (int x = 10; x < 18; x++) img[8 * 28 + x] = 1f;   // and a bar across its top
        return img;
    }

    [Fact]
    public void A_one_pixel_shift_moves_every_pixel_exactly()
    {
        var src = Digit(); var dst = new float[src.Length];
        ImageAugmenter.Transform(src, dst, 28, 28, 0, 1, -1);
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
            {
                int sx = x - 1, sy = y + 1;
                float expected = sx is >= 0 and < 28 && sy is >= 0 and < 28 ? src[sy * 28 + sx] : 0f;
                Assert.Equal(expected, dst[y * 28 + x]);
            }
    }

    [Fact]
    public void A_quarter_turn_maps_the_vertical_stroke_to_a_horizontal_one()
    {
        var src = new float[28 * 28]; var dst = new float[src.Length];
        for (int y = 4; y < 24; y++) src[y * 28 + 13] = 1f;
        ImageAugmenter.Transform(src, dst, 28, 28, Math.PI / 2, 0, 0);
        float horizontal = 0, vertical = 0;
        for (int i = 6; i < 22; i++) { horizontal += dst[14 * 28 + i] + dst[13 * 28 + i]; vertical += dst[i * 28 + 13]; }
        Assert.True(horizontal > 10 && vertical < 3, $"horizontal {horizontal}, vertical {vertical}");
    }

    [Fact]
    public void Blur_keeps_the_ink_and_spreads_it()
    {
        var p = Digit(); var scratch = new float[p.Length];
        float before = p.Sum();
        ImageAugmenter.Blur(p, scratch, 28, 28);
        Assert.Equal(before, p.Sum(), 3);
        Assert.True(p[12 * 28 + 13] > 0f && p[12 * 28 + 14] < 1f);
    }

    [Fact]
    public void Same_seed_same_images_other_seed_other_images()
    {
        float[] Run(int seed)
        {
            var aug = new ImageAugmenter(AugmentationOptions.Standard);
            var rng = new Random(seed);
            var all = new List<float>();
            for (int i = 0; i < 5; i++) { var img = Digit(); aug.Apply(img, 1, 28, 28, rng); all.AddRange(img); }
            return all.ToArray();
        }
        Assert.Equal(Run(3), Run(3));
        Assert.NotEqual(Run(3), Run(4));
    }

    [Fact]
    public void Options_parse_and_reject_nonsense()
    {
        Assert.Equal(new AugmentationOptions(15, 2, 0.5f), AugmentationOptions.Parse("rotate=15,shift=2,blur=0.5"));
        Assert.Equal(new AugmentationOptions(0, 1, 0), AugmentationOptions.Parse("shift=1"));
        Assert.Equal(AugmentationOptions.Standard, AugmentationOptions.Parse("standard"));
        Assert.Contains("zoom", Assert.Throws<FormatException>(() => AugmentationOptions.Parse("zoom=2")).Message);
        Assert.Throws<FormatException>(() => AugmentationOptions.Parse("blur=2"));
    }
}
