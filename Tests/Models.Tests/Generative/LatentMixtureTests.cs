using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Gan;
using NeuralPipelines.Models.Generative.Sampling;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tests.Training;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>A mixture of Gaussians as a generator's noise (<see cref="LatentMixture"/>): draws pick the components equally
/// often and scatter around each mean with the σ asked (Kolmogorov–Smirnov and χ² at the 1% level, while a draw with
/// another σ fails them); the means repeat for the same count; the mixture travels with the model through its
/// checkpoint, and the GAN step draws its z from it.</summary>
public class LatentMixtureTests
{
    private const int Size = 8;

    /// <summary>Each row's nearest component and its offset from that mean divided by <paramref name="sd"/>.</summary>
    private static (int[] Components, float[] Standardised) Assign(LatentMixture m, ReadOnlySpan<float> z, double sd)
    {
        int rows = z.Length / Size;
        var components = new int[rows];
        var standardised = new float[z.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = z.Slice(r * Size, Size);
            int best = 0; double nearest = double.MaxValue;
            for (int c = 0; c < m.Components; c++)
            {
                double d = 0;
                for (int j = 0; j < Size; j++) d += Math.Pow(row[j] - m.Means[c * Size + j], 2);
                if (d < nearest) (nearest, best) = (d, c);
            }
            components[r] = best;
            for (int j = 0; j < Size; j++) standardised[r * Size + j] = (float)((row[j] - m.Means[best * Size + j]) / sd);
        }
        return (components, standardised);
    }

    [Theory]
    [InlineData(0.05f)]
    [InlineData(0.02f)]
    public void Draws_pick_every_component_equally_often_and_scatter_around_its_mean_with_the_sd_asked(float sd)
    {
        // Narrow components, so the nearest mean is the one drawn from (the means are about 2 apart in 8 dimensions).
        var m = LatentMixture.Create(4, Size).WithSd(sd);
        const int rows = 5_000;
        var z = NoiseSampler.For(NoiseKind.Mixture, Size, rows, seed: 11, mixture: m).Span.ToArray();
        var (components, standardised) = Assign(m, z, sd);
        double expected = rows / 4.0, chi2 = Enumerable.Range(0, 4).Sum(c => Math.Pow(components.Count(k => k == c) - expected, 2) / expected);
        Assert.True(chi2 < 11.34, $"component counts χ² = {chi2:F2} over 3 degrees of freedom (1% critical value 11.34)");
        double critical = KolmogorovSmirnov.CriticalValue(standardised.Length);
        Assert.True(KolmogorovSmirnov.Statistic(standardised, StandardNormal.Cdf) < critical, "offsets from the means are not N(0, σ²)");
        // The same draws read with twice the σ are not N(0, 1): the test can fail.
        var (_, wrong) = Assign(m, z, 2 * sd);
        Assert.True(KolmogorovSmirnov.Statistic(wrong, StandardNormal.Cdf) > critical, "a draw read with the wrong σ passed");
    }

    [Fact]
    public void The_means_repeat_for_the_same_count_lie_in_minus_one_to_one_and_train_with_sd_one()
    {
        var a = LatentMixture.Create(20, 64);
        Assert.Equal(a.Means, LatentMixture.Create(20, 64).Means);
        Assert.Equal(20 * 64, a.Means.Length);
        Assert.All(a.Means, v => Assert.InRange(v, -1f, 1f));
        Assert.Equal(1f, a.Sd);
        // The first 64 means of a larger mixture are the smaller one's: the components come from one stream.
        Assert.Equal(a.Means[..64], LatentMixture.Create(3, 64).Means[..64]);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.5f)]
    [InlineData(float.NaN)]
    public void A_component_sd_that_is_not_positive_is_refused(float sd) =>
        Assert.Contains("positive number", Assert.Throws<ArgumentException>(() => LatentMixture.Create(2, 4).WithSd(sd)).Message);

    [Fact]
    public void Mixture_noise_without_components_and_components_of_the_wrong_size_are_refused()
    {
        Assert.Contains("components", Assert.Throws<ArgumentException>(() => NoiseSampler.For(NoiseKind.Mixture, 4, 2, 1)).Message);
        Assert.Contains("needs 12 means", Assert.Throws<ArgumentException>(() => new LatentMixture(3, 1f, new float[10]).Validate(4)).Message);
        Assert.Contains("--component-sd", Assert.Throws<ArgumentException>(() => NoiseSampler.For(NoiseKind.Mixture, 4, 2, 1, truncation: 1f, mixture: LatentMixture.Create(2, 4))).Message);
    }

    [Fact]
    public void A_gan_with_a_mixture_keeps_it_through_its_checkpoint_and_narrowing_changes_only_the_spread()
    {
        var images = MnistTrainingTests.Mnist.Value.Train.Take(32);
        var (model, state) = GenerativeSetup.Start(GenerativeKind.Gan, images, GenerativeOptions.For(GenerativeKind.Gan) with { LatentComponents = 5, Epochs = 1 });
        Assert.Equal(NoiseKind.Mixture, model.Noise);
        Assert.Equal(5, model.Mixture!.Components);
        using var folder = new NeuralPipelines.Tests.TempFolder();
        var path = folder.File("g.ckpt");
        new GenerativeCheckpoint(model, state).Save(path);
        var loaded = GenerativeCheckpoint.Load(path);
        Assert.Equal(NoiseKind.Mixture, loaded.Model.Noise);
        Assert.Equal(model.Mixture.Means, loaded.Model.Mixture!.Means);
        Assert.Equal(model.Mixture.Sd, loaded.Model.Mixture.Sd);
        Assert.Equal(5, loaded.Training!.Options.LatentComponents);
        Assert.Equal(model.NoiseFor(10, 3).Span.ToArray(), loaded.Model.NoiseFor(10, 3).Span.ToArray());
        // Narrowed to σ 0.5, each row is its component's mean plus half the offset the training σ drew.
        var wide = loaded.Model.NoiseFor(10, 3).Span.ToArray();
        loaded.Model.DrawComponentsWithSd(0.5f);
        var narrow = loaded.Model.NoiseFor(10, 3).Span.ToArray();
        var means = model.Mixture.Means;
        for (int r = 0; r < 10; r++)
        {
            int c = Enumerable.Range(0, 5).Single(k => Enumerable.Range(0, 64).All(j => Math.Abs(2 * narrow[r * 64 + j] - wide[r * 64 + j] - means[k * 64 + j]) < 1e-4f));
            Assert.InRange(c, 0, 4);
        }
        var (plain, _) = GenerativeSetup.Start(GenerativeKind.Gan, images, GenerativeOptions.For(GenerativeKind.Gan));
        Assert.Equal(NoiseKind.Normal, plain.Noise);
        Assert.Contains("not a mixture", Assert.Throws<ArgumentException>(() => plain.DrawComponentsWithSd(0.5f)).Message);
        Assert.Contains("uniform", Assert.Throws<ArgumentException>(() => { GenerativeSetup.Start(GenerativeKind.Gmmn, images,
            GenerativeOptions.For(GenerativeKind.Gmmn) with { LatentComponents = 2 }); }).Message);
    }

    [Fact]
    public void The_gan_step_draws_its_noise_from_the_mixture()
    {
        // The fake batch is G of the noise the step drew: the same seed through the sampler gives the same batch.
        var rng = new Random(2);
        var g = new Sequential(new Dense(Size, 8, Initializer.Xavier, rng), new Reshape(1, 2, 4));
        var d = new Sequential(new Flatten(), new Dense(8, 1, Initializer.Xavier, rng));
        var adam = new OptimizerSettings(OptimizerKind.Adam, Beta1: 0.5f, Beta2: 0.999f);
        var mixture = LatentMixture.Create(3, Size).WithSd(0.1f);
        var step = new GanStep(g, d, Optimizer.Create(adam, g.AllParameters().ToArray()), Optimizer.Create(adam, d.AllParameters().ToArray()),
            noise: Size, seed: 9, mixture: mixture);
        var fake = step.Generate(6).Span.ToArray();
        Assert.Equal(g.Forward(NoiseSampler.For(NoiseKind.Mixture, Size, 6, seed: 9, mixture: mixture), training: true).Span.ToArray(), fake);
        Assert.NotEqual(g.Forward(NoiseSampler.For(NoiseKind.Normal, Size, 6, seed: 9), training: true).Span.ToArray(), fake);
    }
}
