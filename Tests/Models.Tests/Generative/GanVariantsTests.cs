using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Gan;
using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Training;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>The GAN's variants of the game (top-k generator training, one-sided label smoothing, two time-scale rates),
/// its width and the mixture's training σ: each does what its paper says, and each is kept by the checkpoint.</summary>
public class GanVariantsTests
{
    private static (Sequential G, Sequential D) Tiny() => GanStepTests.Tiny();

    private static Tensor RealBatch(int n, int seed) => GanStepTests.RealBatch(n, seed);

    private static float[] Flat(Layer net) => net.AllParameters().SelectMany(p => p.Value.Span.ToArray()).ToArray();

    [Fact]
    public void Top_k_keeps_the_k_samples_rated_most_real_and_rescales_them_to_their_mean()
    {
        float[] logits = [0.5f, -2f, 3f, 1f, -0.5f, 2f];
        float[] gradient = [1f, 2f, 3f, 4f, 5f, 6f];
        var top = new TopKSelection(0.5f);
        Assert.Equal(3, top.Keep(6));
        top.Apply(logits, gradient);
        // Kept: 3, 2 and 1 (entries 2, 5, 3), each ×6/3; the rest 0.
        Assert.Equal([0f, 0f, 6f, 8f, 0f, 12f], gradient);
        // Ties at the threshold keep every tied sample; a fraction that rounds to no sample keeps one.
        float[] tied = [1f, 1f, 0f, 0f], g2 = [1f, 1f, 1f, 1f];
        new TopKSelection(0.25f).Apply(tied, g2);
        Assert.Equal([4f, 4f, 0f, 0f], g2);
        Assert.Equal(1, new TopKSelection(0.01f).Keep(10));
        // The whole batch is the plain cost.
        float[] all = [1f, 2f];
        new TopKSelection(1f).Apply([0f, 1f], all);
        Assert.Equal([1f, 2f], all);
        Assert.Contains("(0, 1]", Assert.Throws<ArgumentException>(() => new TopKSelection(0f)).Message);
        Assert.Contains("(0, 1]", Assert.Throws<ArgumentException>(() => new TopKSelection(1.5f)).Message);
    }

    [Fact]
    public void The_top_k_generator_cost_matches_its_finite_difference_gradient()
    {
        // C(l) = mean over the k largest l of BCE(l, 1); away from ties the selection is fixed near l, so C is smooth there.
        var rng = new Random(7);
        int n = 8;
        var logits = new Tensor(n, 1);
        for (int i = 0; i < n; i++) logits[i] = (float)(i * 0.7 - 2.5 + 0.1 * rng.NextDouble());
        var top = new TopKSelection(0.375f); // k = 3
        double Cost(Tensor l)
        {
            var kept = l.Span.ToArray().OrderDescending().Take(top.Keep(n)).ToArray();
            return kept.Average(z => Math.Max(z, 0) - z + Math.Log(1 + Math.Exp(-Math.Abs(z))));
        }
        var ones = new Tensor(n, 1); ones.Span.Fill(1f);
        var gradient = new Tensor(n, 1);
        new BceWithLogitsCost().Compute(logits, ones, gradient);
        top.Apply(logits.Span, gradient.Span);
        const float h = 1e-3f;
        for (int i = 0; i < n; i++)
        {
            float at = logits[i];
            logits[i] = at + h; double up = Cost(logits);
            logits[i] = at - h; double down = Cost(logits);
            logits[i] = at;
            Assert.Equal((up - down) / (2 * h), gradient[i], 4);
        }
        Assert.Equal(n - 3, gradient.Span.ToArray().Count(v => v == 0f));
    }

    [Fact]
    public void Label_smoothing_moves_only_the_real_targets_of_the_discriminator()
    {
        // BCE(l, t) = softplus(l) − t·l, so lowering the real target from 1 to 0.9 adds 0.1·mean(l_real) to C_D and
        // nothing to its fake half (same G, same noise).
        var real = RealBatch(6, 1);
        var (g1, d1) = Tiny();
        var scaled = new Tensor(real.Shape.ToArray());
        for (int i = 0; i < real.Length; i++) scaled[i] = 2 * real[i] - 1;
        double meanLogit = d1.Forward(scaled, training: false).Span.ToArray().Average(v => (double)v);
        var plain = GanStep.Dcgan(g1, d1, noise: 8, seed: 2).Run(real);
        var (g2, d2) = Tiny();
        var step = GanStep.Dcgan(g2, d2, noise: 8, seed: 2);
        step.RealTarget = 0.9f;
        var smoothed = step.Run(real);
        Assert.Equal(plain.DiscriminatorLoss + 0.1 * meanLogit, smoothed.DiscriminatorLoss, 5);
        Assert.Equal(plain.RealProbability, smoothed.RealProbability, 6);
        Assert.Equal(plain.FakeProbability, smoothed.FakeProbability, 6);
        Assert.Contains("(0.5, 1]", Assert.Throws<ArgumentException>(() => step.RealTarget = 0.5f).Message);
        // The product's option gives the target the screens ran with (real target 0.9 from NP_EXP_SMOOTH=0.9).
        Assert.Equal(0.9f, 1f - (GenerativeOptions.For(GenerativeKind.Gan) with { LabelSmoothing = 0.1f }).LabelSmoothing);
    }

    [Fact]
    public void The_discriminator_steps_with_its_own_rate_when_it_has_one()
    {
        var (g, d) = Tiny();
        var step = GanStep.Dcgan(g, d, noise: 8, seed: 3);
        step.DiscriminatorLearningRate = 0f; // Adam with η 0 leaves every weight where it is
        var g0 = Flat(g); var d0 = Flat(d);
        step.Run(RealBatch(6, 1));
        Assert.Equal(d0, Flat(d));
        Assert.NotEqual(g0, Flat(g));
        step.DiscriminatorLearningRate = null;
        step.Run(RealBatch(6, 2));
        Assert.NotEqual(d0, Flat(d));
        // On a schedule, the discriminator's rate decays as the generator's does.
        var o = GenerativeOptions.For(GenerativeKind.Gan) with { Epochs = 4, LearningRate = 1e-4f, DiscriminatorLearningRate = 4e-4f, LearningRateDecayEpochs = 2 };
        Assert.Equal(4e-4f, o.DiscriminatorLearningRateAt(0, 0, 10));
        Assert.Equal(4 * o.LearningRateAt(3, 5, 10), o.DiscriminatorLearningRateAt(3, 5, 10)!.Value, 9);
        Assert.Null(GenerativeOptions.For(GenerativeKind.Gan).DiscriminatorLearningRateAt(0, 0, 10));
    }

    [Fact]
    public void Every_variant_builds_the_model_it_names_and_a_checkpoint_keeps_it()
    {
        var images = MnistTrainingTests.Mnist.Value.Train.Take(32);
        var o = GenerativeOptions.For(GenerativeKind.Gan) with
        {
            Epochs = 1, Features = 16, DiscriminatorLearningRate = 4e-4f, LabelSmoothing = 0.1f, TopK = 0.5f, LatentComponents = 3, LatentSd = 0.75f,
        };
        var (model, state) = GenerativeSetup.Start(GenerativeKind.Gan, images, o);
        Assert.Equal(Dcgan.Generator(64, 16).ParameterCount(), model.Generator.ParameterCount());
        Assert.Equal(Dcgan.Discriminator(16).ParameterCount(), model.Discriminator!.ParameterCount());
        Assert.Equal(0.75f, model.Mixture!.Sd);
        new GenerativeTrainer(model, state).Fit(images);
        using var folder = new NeuralPipelines.Tests.TempFolder();
        var path = folder.File("g.ckpt");
        new GenerativeCheckpoint(model, state).Save(path);
        var loaded = GenerativeCheckpoint.Load(path);
        Assert.Equal(o, loaded.Training!.Options with { Sigmas = o.Sigmas });
        Assert.Equal(0.75f, loaded.Model.Mixture!.Sd);
        Assert.Equal(model.Sample(4, 1).Span.ToArray(), loaded.Model.Sample(4, 1).Span.ToArray());
    }

    [Fact]
    public void Out_of_range_variants_and_variants_of_other_models_are_refused()
    {
        var gan = GenerativeOptions.For(GenerativeKind.Gan);
        Assert.Contains("[0, 0.5)", Assert.Throws<ArgumentException>(() => (gan with { LabelSmoothing = 0.5f }).Validate()).Message);
        Assert.Contains("(0, 1]", Assert.Throws<ArgumentException>(() => (gan with { TopK = 0f }).Validate()).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => (gan with { DiscriminatorLearningRate = -1f }).Validate()).Message);
        Assert.Contains("feature", Assert.Throws<ArgumentException>(() => (gan with { Features = 0 }).Validate()).Message);
        Assert.Contains("needs a latent mixture", Assert.Throws<ArgumentException>(() => (gan with { LatentSd = 0.5f }).Validate()).Message);
        var images = MnistTrainingTests.Mnist.Value.Train.Take(8);
        Assert.Contains("discriminator", Assert.Throws<ArgumentException>(() => { GenerativeSetup.Start(GenerativeKind.Gmmn, images,
            GenerativeOptions.For(GenerativeKind.Gmmn) with { TopK = 0.5f }); }).Message);
    }

    [Fact]
    public void A_checkpoint_written_before_the_variants_existed_loads_with_the_plain_game()
    {
        var state = new GenerativeTrainingState { Options = GenerativeOptions.For(GenerativeKind.Gan) };
        var node = System.Text.Json.JsonSerializer.SerializeToNode(state, CheckpointFile.Json)!.AsObject();
        var options = node["options"]!.AsObject();
        foreach (var key in new[] { "latent_sd", "features", "discriminator_learning_rate", "label_smoothing", "top_k" })
            Assert.True(options.Remove(key), key);
        var old = System.Text.Json.JsonSerializer.Deserialize<GenerativeTrainingState>(node, CheckpointFile.Json)!;
        Assert.Equal(GenerativeOptions.For(GenerativeKind.Gan), old.Options);
    }
}
