using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Tests.Training;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>The generative training loop on real digits: a run resumed from its checkpoint ends with the same weights,
/// generator average and optimiser moments, bit for bit, as an uninterrupted one (GAN and GMMN with a moving average of
/// the generator, GMMN+AE across its change of phase); a checkpoint written before the average existed loads, samples
/// its raw generator, and resumes by starting the average from it; moment matching lowers its cost; the sampler draws
/// images in [0, 1] and the same seed draws the same ones.</summary>
public class GenerativeTrainerTests
{
    private static LabelledImages Digits(int n) => MnistTrainingTests.Mnist.Value.Train.Take(n);

    private static GenerativeCheckpoint New(GenerativeKind kind, GenerativeOptions options, int images)
    {
        var (model, state) = GenerativeSetup.Start(kind, Digits(images), options);
        return new GenerativeCheckpoint(model, state);
    }

    private static float[] Everything(GenerativeCheckpoint c)
    {
        var m = c.Model;
        var networks = new[] { m.Generator, m.Discriminator, m.Autoencoder, m.AverageGenerator }.OfType<NeuralPipelines.Models.Layers.Layer>();
        var weights = networks.SelectMany(n => n.AllParameters().Select(p => p.Value).Concat(n.AllBuffers()));
        var moments = c.Training!.Optimizers.OrderBy(kv => kv.Key).SelectMany(kv => kv.Value.State);
        return weights.Concat(moments).SelectMany(t => t.Span.ToArray()).ToArray();
    }

    public static TheoryData<string, int, int, int, int, float, int> Runs => new()
    {
        // kind, images, batch, auto-encoder epochs, epochs (the interruption comes after the first epoch), β of the
        // generator's average (the GAN's is its recipe's), epochs of learning-rate decay (the GAN's spans the interruption)
        { "gan", 96, 32, 0, 2, 0.999f, 2 },
        { "gan", 96, 32, 0, 2, 0.999f, 0 },
        { "gmmn", 300, 100, 0, 2, 0.9f, 1 },
        { "gmmn-ae", 300, 100, 1, 1, 0f, 0 },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void A_resumed_run_ends_bit_for_bit_where_an_uninterrupted_one_does(string name, int images, int batch, int aeEpochs, int epochs, float ema, int decay)
    {
        var kind = Settings.SettingNames.Parse<GenerativeKind>(name, "kind");
        var options = GenerativeOptions.For(kind) with
        {
            BatchSize = batch, Epochs = epochs, AutoencoderEpochs = aeEpochs, AutoencoderBatchSize = batch, Seed = 3, EmaDecay = ema, LearningRateDecayEpochs = decay,
        };
        var straight = New(kind, options, images);
        new GenerativeTrainer(straight.Model, straight.Training!).Fit(Digits(images));

        using var folder = new TempFolder();
        var path = folder.File($"{name}.ckpt");
        var first = New(kind, options, images);
        using var stop = new CancellationTokenSource();
        var callbacks = new GenerativeCallbacks
        {
            Save = () => first.Save(path),
            Epoch = new SynchronousProgress<GenerativeEpochReport>(r => { if (r.Epoch == 1) stop.Cancel(); }),
        };
        Assert.Throws<OperationCanceledException>(() => new GenerativeTrainer(first.Model, first.Training!).Fit(Digits(images), callbacks, stop.Token));

        var resumed = GenerativeCheckpoint.Load(path);
        Assert.Equal(1, resumed.Training!.CompletedEpochs);
        Assert.Equal(decay, resumed.Training.Options.LearningRateDecayEpochs);
        new GenerativeTrainer(resumed.Model, resumed.Training).Fit(Digits(images));
        Assert.Equal(options.TotalEpochs, resumed.Training.History.Count);
        Assert.Equal(Everything(straight), Everything(resumed));
        Assert.Equal(straight.Training!.History.Select(h => h.Losses.Values.Sum()), resumed.Training.History.Select(h => h.Losses.Values.Sum()));
        // The average was kept, saved and resumed, and it is not the generator itself.
        Assert.Equal(ema > 0, resumed.Model.AverageGenerator is not null);
        if (ema > 0) Assert.NotEqual(Values(resumed.Model.Generator), Values(resumed.Model.AverageGenerator!));
    }

    [Fact]
    public void The_average_is_only_read_so_the_trained_networks_are_those_of_a_run_without_it()
    {
        var options = GenerativeOptions.For(GenerativeKind.Gan) with { BatchSize = 32, Epochs = 2, Seed = 5 };
        var with = New(GenerativeKind.Gan, options, 64);
        var without = New(GenerativeKind.Gan, options with { EmaDecay = 0 }, 64);
        new GenerativeTrainer(with.Model, with.Training!).Fit(Digits(64));
        new GenerativeTrainer(without.Model, without.Training!).Fit(Digits(64));
        Assert.NotNull(with.Model.AverageGenerator);
        Assert.Null(without.Model.AverageGenerator);
        var raw = new[] { with.Model.Generator, with.Model.Discriminator! };
        var plain = new[] { without.Model.Generator, without.Model.Discriminator! };
        Assert.Equal(plain.SelectMany(n => n.AllParameters().Select(p => p.Value).Concat(n.AllBuffers())).SelectMany(t => t.Span.ToArray()),
            raw.SelectMany(n => n.AllParameters().Select(p => p.Value).Concat(n.AllBuffers())).SelectMany(t => t.Span.ToArray()));
        Assert.Equal(without.Training!.History.Select(h => h.Losses["g_loss"]), with.Training!.History.Select(h => h.Losses["g_loss"]));
    }

    private static float[] Values(NeuralPipelines.Models.Layers.Layer network) => network.AllParameters().SelectMany(p => p.Value.Span.ToArray()).ToArray();

    /// <summary>Rewrites a checkpoint as the writer before the moving average wrote it: no "generator_ema" network and no
    /// "ema_decay" (nor the later "learning_rate_decay_epochs") in the options (the file format itself did not change).</summary>
    private static void AsBeforeTheAverage(string path)
    {
        var content = CheckpointFile.Load(path);
        Assert.DoesNotContain(content.Networks, n => n.Name == "generator_ema");
        var options = (System.Text.Json.Nodes.JsonObject)content.Sections["training"]!["options"]!;
        Assert.True(options.Remove("ema_decay"));
        Assert.True(options.Remove("learning_rate_decay_epochs"));
        CheckpointFile.Save(path, content);
    }

    [Fact]
    public void A_checkpoint_from_before_the_average_loads_samples_its_generator_and_resumes_by_starting_the_average_from_it()
    {
        using var folder = new TempFolder();
        var path = folder.File("old.ckpt");
        // One batch an epoch, so that the average after one more epoch is one blend of the old and the new generator.
        var options = GenerativeOptions.For(GenerativeKind.Gan) with { BatchSize = 32, Epochs = 1, Seed = 2, EmaDecay = 0 };
        var old = New(GenerativeKind.Gan, options, 32);
        new GenerativeTrainer(old.Model, old.Training!).Fit(Digits(32));
        old.Save(path);
        AsBeforeTheAverage(path);

        var loaded = GenerativeCheckpoint.Load(path);
        Assert.Null(loaded.Model.AverageGenerator);
        Assert.Equal(GeneratorWeights.Raw, loaded.Model.Weights());
        Assert.Equal(old.Model.Sample(4, seed: 1).Span.ToArray(), loaded.Model.Sample(4, seed: 1).Span.ToArray());
        Assert.Throws<ArgumentException>(() => loaded.Model.Sample(4, seed: 1, GeneratorWeights.Ema));
        // The options it was saved with do not say; the recipe's β is taken, as --resume will use it.
        Assert.Equal(GenerativeOptions.For(GenerativeKind.Gan).EmaDecay, loaded.Training!.Options.EmaDecay);
        // Nor did it know of a learning-rate decay: it trained, and goes on, at a constant η.
        Assert.Equal(0, loaded.Training.Options.LearningRateDecayEpochs);

        var start = Values(loaded.Model.Generator);
        loaded.Training.Options = loaded.Training.Options with { Epochs = 2 };
        new GenerativeTrainer(loaded.Model, loaded.Training).Fit(Digits(32));
        var average = loaded.Model.AverageGenerator ?? throw new Xunit.Sdk.XunitException("resuming kept no average");
        long step = loaded.Training.Optimizers["generator"].Steps;
        Assert.Equal(2, step);
        float beta = GeneratorAverage.DecayAt(loaded.Training.Options.EmaDecay, step);
        var now = Values(loaded.Model.Generator);
        var expected = start.Zip(now, (a, b) => b * (1f - beta) + a * beta).ToArray();
        Assert.Equal(expected, Values(average), (a, b) => Math.Abs(a - b) <= 2e-7f * (1 + Math.Abs(a)));
        Assert.Equal(GeneratorWeights.Ema, loaded.Model.Weights());

        // Saved again, it is a checkpoint with its average, which sampling now uses.
        loaded.Save(path);
        var again = GenerativeCheckpoint.Load(path);
        Assert.Equal(Values(average), Values(again.Model.AverageGenerator!));
        Assert.Equal(loaded.Model.Sample(4, seed: 1).Span.ToArray(), again.Model.Sample(4, seed: 1).Span.ToArray());
        Assert.NotEqual(again.Model.Sample(4, seed: 1, GeneratorWeights.Raw).Span.ToArray(), again.Model.Sample(4, seed: 1).Span.ToArray());
    }

    [Fact]
    public void Moment_matching_lowers_the_mmd_and_the_sampler_draws_pixels_the_same_seed_repeats()
    {
        var run = New(GenerativeKind.Gmmn, GenerativeOptions.For(GenerativeKind.Gmmn) with { Epochs = 6, BatchSize = 500 }, 1000);
        var history = new GenerativeTrainer(run.Model, run.Training!).Fit(Digits(1000));
        Assert.True(history[^1].Losses["mmd"] < 0.7 * history[0].Losses["mmd"], string.Join(", ", history.Select(h => h.Losses["mmd"])));

        var a = run.Model.Sample(8, seed: 5);
        Assert.Equal([8, 1, 28, 28], a.ShapeArray());
        Assert.All(a.Span.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(a.Span.ToArray(), run.Model.Sample(8, seed: 5).Span.ToArray());
        Assert.NotEqual(a.Span.ToArray(), run.Model.Sample(8, seed: 6).Span.ToArray());
    }

    [Fact]
    public void A_gan_on_images_of_another_shape_is_refused_naming_both()
    {
        var images = new LabelledImages("wide.idx", new float[2 * 32 * 32], [0, 1], 1, 32, 32, classes: 2);
        var e = Assert.Throws<ArgumentException>(() => GenerativeSetup.Start(GenerativeKind.Gan, images, GenerativeOptions.For(GenerativeKind.Gan)));
        Assert.Contains("1×28×28", e.Message);
        Assert.Contains("1×32×32", e.Message);
    }

    /// <summary>Audit H2: 65 images in batches of 64 left a last batch of one, and the DCGAN's batch norm failed on it in the
    /// first epoch ("cannot estimate a variance ... from a batch of one"); that image is now left out of the epoch.</summary>
    [Fact]
    public void A_gan_whose_last_batch_would_hold_one_image_trains()
    {
        var options = GenerativeOptions.For(GenerativeKind.Gan) with { BatchSize = 64, Epochs = 1, Features = 2, Seed = 3 };
        var run = New(GenerativeKind.Gan, options, 65);
        var reports = new GenerativeTrainer(run.Model, run.Training!).Fit(Digits(65));
        Assert.Single(reports);
        Assert.All(reports[0].Losses.Values, v => Assert.True(double.IsFinite(v)));
    }

    [Theory]
    [InlineData(1, 64, "BatchSize 1")]
    [InlineData(64, 1, "at least 2 training images")]
    public void A_gan_with_batches_of_one_is_refused_before_training(int batch, int images, string words)
    {
        var options = GenerativeOptions.For(GenerativeKind.Gan) with { BatchSize = batch, Epochs = 1, Features = 2 };
        Assert.Contains(words, Assert.ThrowsAny<ArgumentException>(() => GenerativeSetup.Start(GenerativeKind.Gan, Digits(images), options)).Message);
    }
}
