using NeuralPipelines.Data.Augmentation;

namespace NeuralPipelines.Data.Tests.Augmentation;

public class FlipCropAugmenterTests
{
    private static float[] Ramp(int channels, int h, int w) =>
        Enumerable.Range(0, channels * h * w).Select(i => (float)i).ToArray();

    [Fact]
    public void Same_seed_same_augmentation_and_channels_move_together()
    {
        var a = Ramp(3, 8, 8); var b = Ramp(3, 8, 8);
        var aug = new FlipCropAugmenter(2);
        var ra = new Random(5); var rb = new Random(5);
        for (int k = 0; k < 4; k++) { aug.Apply(a, 3, 8, 8, ra); aug.Apply(b, 3, 8, 8, rb); }
        Assert.Equal(a, b);
        // The ramp's channel c is channel 0 plus 64c: any move applied to all channels keeps that.
        for (int i = 0; i < 64; i++) { Assert.Equal(a[i] + 64, a[64 + i]); Assert.Equal(a[i] + 128, a[128 + i]); }
    }

    [Fact]
    public void Without_padding_it_only_flips_and_a_flip_reverses_each_row()
    {
        var aug = new FlipCropAugmenter(0);
        var rng = new Random(1);
        bool sawFlip = false, sawSame = false;
        for (int k = 0; k < 20; k++)
        {
            var x = Ramp(1, 3, 5);
            aug.Apply(x, 1, 3, 5, rng);
            if (x[0] == 4) { sawFlip = true; Assert.Equal(new float[] { 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 14, 13, 12, 11, 10 }, x); }
            else { sawSame = true; Assert.Equal(Ramp(1, 3, 5), x); }
        }
        Assert.True(sawFlip && sawSame);
    }

    [Fact]
    public void Crops_reflect_at_the_edges_so_every_value_comes_from_the_image()
    {
        var aug = new FlipCropAugmenter(3);
        var rng = new Random(2);
        for (int k = 0; k < 20; k++)
        {
            var x = Ramp(1, 6, 6);
            aug.Apply(x, 1, 6, 6, rng);
            Assert.All(x, v => Assert.InRange(v, 0f, 35f));
        }
    }
}
