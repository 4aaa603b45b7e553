using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Tests.Training;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>The generative training loop on real digits: a run resumed from its checkpoint ends with the same weights and
/// optimiser moments, bit for bit, as an uninterrupted one (GAN, GMMN, and GMMN+AE across its change of phase); moment
/// matching lowers its cost; the sampler draws images in [0, 1] and the same seed draws the same ones.</summary>
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
        var networks = new[] { m.Generator, m.Discriminator, m.Autoencoder }.OfType<NeuralPipelines.Models.Layers.Layer>();
        var weights = networks.SelectMany(n => n.AllParameters().Select(p => p.Value).Concat(n.AllBuffers()));
        var moments = c.Training!.Optimizers.OrderBy(kv => kv.Key).SelectMany(kv => kv.Value.State);
        return weights.Concat(moments).SelectMany(t => t.Span.ToArray()).ToArray();
    }

    public static TheoryData<string, int, int, int, int> Runs => new()
    {
        // kind, images, batch, auto-encoder epochs, epochs (the interruption comes after the first epoch)
        { "gan", 96, 32, 0, 2 },
        { "gmmn", 300, 100, 0, 2 },
        { "gmmn-ae", 300, 100, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void A_resumed_run_ends_bit_for_bit_where_an_uninterrupted_one_does(string name, int images, int batch, int aeEpochs, int epochs)
    {
        var kind = Settings.SettingNames.Parse<GenerativeKind>(name, "kind");
        var options = GenerativeOptions.For(kind) with { BatchSize = batch, Epochs = epochs, AutoencoderEpochs = aeEpochs, AutoencoderBatchSize = batch, Seed = 3 };
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
        new GenerativeTrainer(resumed.Model, resumed.Training).Fit(Digits(images));
        Assert.Equal(options.TotalEpochs, resumed.Training.History.Count);
        Assert.Equal(Everything(straight), Everything(resumed));
        Assert.Equal(straight.Training!.History.Select(h => h.Losses.Values.Sum()), resumed.Training.History.Select(h => h.Losses.Values.Sum()));
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
}
