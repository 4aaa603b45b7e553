using NeuralPipelines.Data.Datasets;

namespace NeuralPipelines.Data.Tests.Datasets;

/// <summary>Images built in code are held to the readers' pixel rule (<see cref="PixelBound"/>): a NaN or ±∞ is refused
/// where the set is made, naming the set and the image (audit O4: it reached the trainer and was blamed on the learning rate).</summary>
public class LabelledImagesTests
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(-3e38f)]
    public void A_value_that_is_not_a_pixel_is_refused_naming_the_set_and_the_image(float value)
    {
        var pixels = new float[3 * 4];
        pixels[2 * 4 + 1] = value;
        var e = Assert.Throws<ArgumentException>(() => new LabelledImages("digits-in-code", pixels, [0, 1, 2], 1, 2, 2, 3));
        Assert.StartsWith("digits-in-code: image 2, value 1 is ", e.Message);
    }

    [Fact]
    public void Pixels_in_range_are_kept_as_given()
    {
        float[] pixels = [0f, 0.5f, 1f, 255f];
        var images = new LabelledImages("ok", pixels, [1], 1, 2, 2, 2);
        Assert.Same(pixels, images.Pixels);
    }
}
