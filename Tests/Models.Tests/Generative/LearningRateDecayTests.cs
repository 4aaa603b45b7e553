using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Tests.Training;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>The linear learning-rate decay of the generative models (<see cref="GenerativeOptions.LearningRateDecayEpochs"/>):
/// the schedule's values, the rate every step of a GAN on real digits actually took, a run that is bit-identical to one
/// without decay until the decay starts and differs after, and options that refuse a decay longer than the training.</summary>
public class LearningRateDecayTests
{
    private const float Eta = 2e-4f;

    [Fact]
    public void The_rate_is_constant_until_the_last_k_epochs_then_falls_linearly_to_zero()
    {
        var o = GenerativeOptions.For(GenerativeKind.Gan) with { Epochs = 10, LearningRateDecayEpochs = 4 };
        Assert.Equal(Eta, o.LearningRateAt(0, 0, 100));
        Assert.Equal(Eta, o.LearningRateAt(5, 99, 100));
        Assert.Equal(Eta, o.LearningRateAt(6, 0, 100));              // the decay starts at E − K = 6
        Assert.Equal(Eta * 0.75f, o.LearningRateAt(7, 0, 100), 1e-10f);
        Assert.Equal(Eta * 0.5f, o.LearningRateAt(8, 0, 100), 1e-10f);
        Assert.Equal(Eta * 0.125f, o.LearningRateAt(9, 50, 100), 1e-10f);
        Assert.Equal(Eta / 400, o.LearningRateAt(9, 99, 100), 1e-12f); // the last step: η/(K·batches)
        Assert.Equal(Eta, (o with { LearningRateDecayEpochs = 0 }).LearningRateAt(9, 99, 100));
        // GMMN+AE counts its auto-encoder's epochs first: the decay is over the generator's last K of the total.
        var ae = GenerativeOptions.For(GenerativeKind.GmmnAe) with { AutoencoderEpochs = 3, Epochs = 2, LearningRateDecayEpochs = 2 };
        Assert.Equal(ae.LearningRate, ae.LearningRateAt(3, 0, 10));
        Assert.Equal(ae.LearningRate * 0.5f, ae.LearningRateAt(4, 0, 10), 1e-10f);
    }

    [Fact]
    public void Every_gan_step_takes_the_scheduled_rate_and_only_the_decayed_epochs_change_the_networks()
    {
        // 96 digits in batches of 32: three steps an epoch, the second of two epochs decayed.
        var options = GenerativeOptions.For(GenerativeKind.Gan) with { BatchSize = 32, Epochs = 2, Seed = 4, EmaDecay = 0, LearningRateDecayEpochs = 1 };
        var images = MnistTrainingTests.Mnist.Value.Train.Take(96);
        var rates = new List<(int Epoch, int Batch, float Rate)>();
        var (model, state) = GenerativeSetup.Start(GenerativeKind.Gan, images, options);
        var firstEpoch = Array.Empty<float>();
        var callbacks = new GenerativeCallbacks
        {
            Batch = new SynchronousProgress<GenerativeBatchProgress>(b => rates.Add((b.Epoch, b.Batch, b.LearningRate))),
            Epoch = new SynchronousProgress<GenerativeEpochReport>(r => { if (r.Epoch == 1) firstEpoch = Weights(model); }),
        };
        new GenerativeTrainer(model, state).Fit(images, callbacks);
        Assert.Equal([(1, 1, Eta), (1, 2, Eta), (1, 3, Eta), (2, 1, Eta), (2, 2, Eta * 2 / 3), (2, 3, Eta / 3)], rates.Select(r => (r.Epoch, r.Batch, r.Rate)),
            (a, b) => a.Item1 == b.Item1 && a.Item2 == b.Item2 && Math.Abs(a.Item3 - b.Item3) <= 1e-10f);

        var (plain, plainState) = GenerativeSetup.Start(GenerativeKind.Gan, images, options with { LearningRateDecayEpochs = 0 });
        var plainFirst = Array.Empty<float>();
        new GenerativeTrainer(plain, plainState).Fit(images, new GenerativeCallbacks
        {
            Epoch = new SynchronousProgress<GenerativeEpochReport>(r => { if (r.Epoch == 1) plainFirst = Weights(plain); }),
        });
        Assert.Equal(plainFirst, firstEpoch);
        Assert.NotEqual(Weights(plain), Weights(model));
        // Adam moves each weight by about η a step whatever its gradient, so the decayed epoch moves G by less.
        double Moved(float[] from, float[] to) => from.Zip(to, (a, b) => Math.Abs(a - b)).Sum();
        Assert.True(Moved(firstEpoch, Weights(model)) < 0.8 * Moved(plainFirst, Weights(plain)));
    }

    private static float[] Weights(GenerativeModel m) =>
        new[] { m.Generator, m.Discriminator! }.SelectMany(n => n.AllParameters()).SelectMany(p => p.Value.Span.ToArray()).ToArray();

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void A_decay_longer_than_the_training_or_negative_is_refused(int k)
    {
        var o = GenerativeOptions.For(GenerativeKind.Gan) with { Epochs = 2, LearningRateDecayEpochs = k };
        Assert.Contains("learning-rate decay must cover between 0 and the 2 epochs", Assert.Throws<ArgumentException>(o.Validate).Message);
    }

    [Fact]
    public void The_decay_is_saved_in_the_checkpoint()
    {
        var options = GenerativeOptions.For(GenerativeKind.Gan) with { BatchSize = 32, Epochs = 3, LearningRateDecayEpochs = 2 };
        var (model, state) = GenerativeSetup.Start(GenerativeKind.Gan, MnistTrainingTests.Mnist.Value.Train.Take(32), options);
        using var folder = new TempFolder();
        new GenerativeCheckpoint(model, state).Save(folder.File("g.ckpt"));
        Assert.Equal(2, GenerativeCheckpoint.Load(folder.File("g.ckpt")).Training!.Options.LearningRateDecayEpochs);
    }
}
