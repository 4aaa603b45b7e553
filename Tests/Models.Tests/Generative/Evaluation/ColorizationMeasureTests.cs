using NeuralPipelines.Data;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Generative.Evaluation;
using NeuralPipelines.Models.Generative.Pix2Pix;

namespace NeuralPipelines.Models.Tests.Generative.Evaluation;

/// <summary>The colorization measurements on the shipped photos: the photos against themselves are the ceiling, their grey
/// versions the floor, and colorizing in chunks gives what one batch gives.</summary>
public class ColorizationMeasureTests
{
    private static readonly Lazy<PhotoSet> Test = new(() => ImageFolder.Load(Path.Combine(ShippedData.Photos, "test"), 32));

    [Fact]
    public void The_photos_measured_against_themselves_are_the_ceiling()
    {
        var photos = Test.Value;
        var q = ColorizationMeasure.Of(photos.Pixels.ToArray(), photos);
        Assert.Equal(double.PositiveInfinity, q.Psnr);
        Assert.Equal(1.0, q.Ssim, 6);
        Assert.Equal(1.0, q.ColourfulnessRatio, 12);
        Assert.InRange(q.TruthColourfulness, 10, 80);   // ordinary photos: about 30–60 (Hasler and Süsstrunk)
    }

    [Fact]
    public void Grey_photos_have_no_colour_and_a_finite_psnr_below_the_ceiling()
    {
        var photos = Test.Value;
        var q = ColorizationMeasure.Of(GreyPhotos.Of(photos).Pixels, photos);
        Assert.InRange(q.Colourfulness, 0, 0.5);
        Assert.InRange(q.ColourfulnessRatio, 0, 0.02);
        Assert.InRange(q.Psnr, 15, 35);
        Assert.InRange(q.Ssim, 0.5, 0.99);
    }

    [Fact]
    public void Colorizing_in_chunks_gives_what_one_batch_gives()
    {
        var photos = ImageFolder.Load(Path.Combine(ShippedData.Photos, "train"), 32, limit: ColorizationMeasure.Chunk + 6);
        var colorizer = new Colorizer(ColorizerModel.Create(new ColorizerOptions(Size: 32, Ngf: 4, Ndf: 4, Seed: 3)));
        var chunked = ColorizationMeasure.ColorizeAll(colorizer, photos);
        var whole = colorizer.ColorizeBatch(photos);
        Assert.Equal(whole.Length, chunked.Length);
        for (int i = 0; i < whole.Length; i++) Assert.True(Math.Abs(whole[i] - chunked[i]) <= 1e-5f, $"value {i}: {chunked[i]} chunked, {whole[i]} in one batch");
        var q = ColorizationMeasure.Of(colorizer, photos);
        Assert.Equal(ColorizationMeasure.Of(whole, photos).Psnr, q.Psnr, 4);
    }

    [Fact]
    public void Colorizations_that_are_not_one_per_photo_are_refused_naming_the_photos()
    {
        var photos = Test.Value;
        var e = Assert.Throws<ArgumentException>(() => ColorizationMeasure.Of(new float[photos.ImageLength], photos));
        Assert.Contains(photos.Source, e.Message);
    }
}
