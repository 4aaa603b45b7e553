using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Gan;
using NeuralPipelines.Models.Generative.Sampling;
using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>Discriminator rejection sampling on a one-dimensional GAN whose optimal discriminator is known: the generator
/// proposes g ~ N(0, 1), and D̃(g) = log N(g; μ, 1)/N(g; 0, 1) = μ·g − μ²/2 is the optimal logit for a target N(μ, 1). With
/// γ = 0 the accepted draws must follow the target (Kolmogorov–Smirnov at the 1 % level) while the proposals fail it, and a
/// discriminator with the wrong sign must fail it too.</summary>
public class DiscriminatorRejectionTests
{
    private const double Mu = 0.5;

    /// <summary>Identity generator of 1-d normal noise (tanh output: the sampler maps g to (g + 1)/2 and the rejection
    /// maps it back), and a linear discriminator with weight w and bias b.</summary>
    private static GenerativeModel Model(float w, float b)
    {
        var generator = new Dense(1, 1);
        generator.Weight.Value.Span[0] = 1f;
        generator.Bias.Value.Span[0] = 0f;
        var discriminator = new Dense(1, 1);
        discriminator.Weight.Value.Span[0] = w;
        discriminator.Bias.Value.Span[0] = b;
        return new GenerativeModel(GenerativeKind.Gan, new Sequential(generator), 1, NoiseKind.Normal, [1], tanhOutput: true,
            discriminator: new Sequential(discriminator));
    }

    private static GenerativeModel Optimal(double mu) => Model((float)mu, (float)(-mu * mu / 2));

    /// <summary>The generator's own values g, back from the sampler's (g + 1)/2.</summary>
    private static float[] Values(float[] pixels) => pixels.Select(x => 2 * x - 1).ToArray();

    private static double TargetStatistic(float[] g) => KolmogorovSmirnov.Statistic(g, x => StandardNormal.Cdf(x - Mu));

    [Fact]
    public void With_the_optimal_discriminator_and_gamma_zero_the_accepted_draws_follow_the_target_and_the_proposals_do_not()
    {
        const int n = 2_000;
        double critical = KolmogorovSmirnov.CriticalValue(n);
        var model = Optimal(Mu);
        var (kept, report) = DiscriminatorRejection.Sample(model, n, seed: 3, new DiscriminatorRejectionOptions { Gamma = 0 });
        Assert.Equal(n, report.Accepted);
        Assert.True(TargetStatistic(Values(kept.Span.ToArray())) < critical, $"accepted draws: KS {TargetStatistic(Values(kept.Span.ToArray()))} ≥ {critical}");

        var proposals = Values(model.Sample(n, seed: 3).Span.ToArray());
        Assert.True(TargetStatistic(proposals) > critical, "the proposals passed as the target");

        // Rejection sampling from N(0, 1) to N(0.5, 1) keeps about 1/M of the proposals, M = max p_data/p_G over the draws.
        Assert.InRange(report.AcceptanceRate, 0.05, 0.5);
    }

    [Fact]
    public void A_discriminator_with_the_wrong_sign_fails_the_same_test()
    {
        const int n = 2_000;
        var (kept, _) = DiscriminatorRejection.Sample(Optimal(-Mu), n, seed: 3, new DiscriminatorRejectionOptions { Gamma = 0 });
        Assert.True(TargetStatistic(Values(kept.Span.ToArray())) > KolmogorovSmirnov.CriticalValue(n));
    }

    [Fact]
    public void Sigma_of_the_score_is_the_exact_acceptance_probability_exp_of_the_logit_gap()
    {
        foreach (double gap in new[] { -8.0, -2.0, -0.5, -1e-3 })
        {
            double f = DiscriminatorRejection.Score(gap, 0, 1e-12);
            Assert.Equal(Math.Exp(gap), 1 / (1 + Math.Exp(-f)), 1e-9);
        }
        // The best candidate seen scores about −log ε: accepted almost surely once γ is below that.
        Assert.Equal(-Math.Log(1e-6), DiscriminatorRejection.Score(1.5, 1.5, 1e-6), 1e-4);
    }

    [Fact]
    public void A_percentile_keeps_the_candidates_the_discriminator_likes_and_a_higher_one_keeps_fewer()
    {
        var model = Optimal(Mu);
        var (loose, looseReport) = DiscriminatorRejection.Sample(model, 1_000, seed: 5, new DiscriminatorRejectionOptions(Percentile: 0.5, BurnIn: 4_000));
        var (strict, strictReport) = DiscriminatorRejection.Sample(model, 1_000, seed: 5, new DiscriminatorRejectionOptions(Percentile: 0.99, BurnIn: 4_000));
        Assert.True(strictReport.AcceptanceRate < looseReport.AcceptanceRate);
        // D̃ rises with g here, so the kept draws sit above the proposals' mean 0, and more so the stricter the test.
        double looseMean = Values(loose.Span.ToArray()).Average(), strictMean = Values(strict.Span.ToArray()).Average();
        Assert.True(looseMean > 0.1, $"mean {looseMean}");
        Assert.True(strictMean > looseMean, $"{strictMean} ≤ {looseMean}");
    }

    [Fact]
    public void The_same_seed_keeps_the_same_images_and_another_seed_others()
    {
        var model = Optimal(Mu);
        var options = new DiscriminatorRejectionOptions(BurnIn: 1_000);
        var a = DiscriminatorRejection.Sample(model, 200, seed: 9, options).Images.Span.ToArray();
        Assert.Equal(a, DiscriminatorRejection.Sample(model, 200, seed: 9, options).Images.Span.ToArray());
        Assert.NotEqual(a, DiscriminatorRejection.Sample(model, 200, seed: 10, options).Images.Span.ToArray());
        // The batch the proposals are drawn in does not change which are kept.
        Assert.Equal(a, DiscriminatorRejection.Sample(model, 200, seed: 9, options, batchSize: 37).Images.Span.ToArray());
    }

    [Fact]
    public void A_generator_without_a_discriminator_and_a_percentile_outside_zero_to_one_are_refused()
    {
        var gmmn = new GenerativeModel(GenerativeKind.Gmmn, new Sequential(new Dense(1, 1)), 1, NoiseKind.Uniform, [1], tanhOutput: false);
        Assert.Contains("needs the discriminator", Assert.Throws<ArgumentException>(() => DiscriminatorRejection.Sample(gmmn, 10, 1)).Message);
        foreach (double p in new[] { 0.0, 1.0, -0.2, double.NaN })
            Assert.Contains("strictly between 0 and 1",
                Assert.Throws<ArgumentException>(() => DiscriminatorRejection.Sample(Optimal(Mu), 10, 1, new DiscriminatorRejectionOptions(p))).Message);
    }
}
