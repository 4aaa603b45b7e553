using NeuralPipelines.Data;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Generative.Evaluation;
using NeuralPipelines.Models.Generative.Pix2Pix;

namespace NeuralPipelines.Models.Tests.Generative.Evaluation;

/// <summary>The split of a colorizer's chroma error into the baseline's error and the model's departure from it, the
/// sampler bound it measures against, and the blends between two colorizers on the shipped photos.</summary>
public class ChromaDepartureTests
{
    [Fact]
    public void The_error_splits_exactly_into_the_baselines_error_the_departure_and_their_correlation()
    {
        var rng = new Random(1);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var (p, b, t) = (Random(5000), Random(5000), Random(5000));
        var d = ChromaDeparture.Of(p, b, t);
        double cross = d.Correlation * Math.Sqrt(d.DepartureSize * d.BaselineError);
        Assert.Equal(d.ModelError, d.DepartureSize + d.BaselineError - 2 * cross, 9);
    }

    [Fact]
    public void A_move_straight_to_the_truth_correlates_fully_and_no_move_not_at_all()
    {
        float[] b = [0.1f, -0.2f, 0.3f, 0f], t = [0.5f, 0.1f, -0.1f, 0.2f];
        var straight = ChromaDeparture.Of(t, b, t);
        Assert.Equal(0, straight.ModelError, 12);
        Assert.Equal(1, straight.Correlation, 6);
        var none = ChromaDeparture.Of(b, b, t);
        Assert.Equal(0, none.DepartureSize);
        Assert.Equal(0, none.Correlation);
        Assert.Equal(none.BaselineError, none.ModelError, 12);
    }

    [Fact]
    public void An_ideal_sampler_against_the_conditional_mean_doubles_the_error()
    {
        // Truth and model each draw their own colour around the same conditional mean: the model's move is unrelated to the
        // truth's, so its error is the baseline's plus its own spread, twice the baseline's: 3.01 dB.
        var rng = new Random(7);
        int n = 200_000;
        var mean = new float[n]; var truth = new float[n]; var sampler = new float[n];
        for (int i = 0; i < n; i++)
        {
            mean[i] = (float)(rng.NextDouble() - 0.5);
            truth[i] = mean[i] + (float)(0.2 * Gaussian(rng));
            sampler[i] = mean[i] + (float)(0.2 * Gaussian(rng));
        }
        var d = ChromaDeparture.Of(sampler, mean, truth);
        Assert.InRange(d.Correlation, -0.01, 0.01);
        Assert.InRange(10 * Math.Log10(d.ModelError / d.BaselineError), 2.95, 3.07);
    }

    [Fact]
    public void Blocks_of_different_lengths_are_refused_naming_the_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => ChromaDeparture.Of(new float[4], new float[4], new float[6]));
        Assert.Contains("truth 6", e.Message);
    }

    [Fact]
    public void Blends_of_two_colorizers_on_real_photos_end_at_each_colorizer_and_move_between_them()
    {
        var photos = ImageFolder.Load(Path.Combine(ShippedData.Photos, "test"), 32, limit: 10);
        var baseline = new Colorizer(ColorizerModel.Create(new ColorizerOptions(Size: 32, Ngf: 4, Ndf: 4, Seed: 3)));
        var model = new Colorizer(ColorizerModel.Create(new ColorizerOptions(Size: 32, Ngf: 4, Ndf: 4, Seed: 4)));
        var (b, m) = (ColorizationMeasure.PredictChromaAll(baseline, photos), ColorizationMeasure.PredictChromaAll(model, photos));
        AssertClose(ColorizationMeasure.ColorizeAll(baseline, photos), ColorizationMeasure.Blend(photos, b, m, 0));
        AssertClose(ColorizationMeasure.ColorizeAll(model, photos), ColorizationMeasure.Blend(photos, b, m, 1));

        var truth = ColorizationMeasure.ScaledLab(photos).Chroma;
        var d = ChromaDeparture.Of(m, b, truth);
        Assert.True(d.DepartureSize > 0);
        // The departure halved: its part of the error falls to a quarter, the cross term to a half.
        var half = ChromaDeparture.Of(m.Zip(b, (x, y) => 0.5f * (x + y)).ToArray(), b, truth);
        Assert.Equal(d.DepartureSize / 4, half.DepartureSize, 6);
        Assert.Equal(d.Correlation, half.Correlation, 4);
        Assert.Throws<ArgumentException>(() => ColorizationMeasure.Blend(photos, b, m[..^1], 0.5));
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"value {i}: {actual[i]} against {expected[i]}");
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
