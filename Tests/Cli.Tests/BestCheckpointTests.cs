using NeuralPipelines.Cli.Commands.Training;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

/// <summary>Divergence "stops with a warning and keeps the best checkpoint" (issue 13, point 4): an MLP trained on shipped
/// MNIST through <see cref="BestCheckpoint"/> as np train does, spoilt on purpose after its best epoch so that a later one
/// is worse, then made to run away. The file at --out must then hold the best epoch, byte for byte as it was saved.</summary>
public sealed class BestCheckpointTests
{
    private static readonly Lazy<TrainTestSplit> Mnist = new(() =>
    {
        var split = IdxImageFolder.Load(ShippedData.Mnist, "mnist");
        return split with { Train = split.Train.Take(600), Test = split.Test.Take(300) };
    });

    private static ClassifierCheckpoint NewMlp(int epochs)
    {
        var net = Mlp.Build(new MlpOptions([784, 32, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood));
        var model = new ClassifierModel(net, "mlp", [1, 28, 28], Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(), CostKind.LogLikelihood);
        return new ClassifierCheckpoint(model, new TrainingState
        {
            Options = new TrainerOptions { Epochs = epochs, BatchSize = 20, LearningRate = 0.1f, EvaluateTrainingSet = false },
        });
    }

    /// <summary>Trains as ClassifierTrainingRun does; <paramref name="afterSave"/> runs once each epoch is saved.</summary>
    private static TrainingResult Train(ClassifierCheckpoint ck, string path, Action<int> afterSave, string? resumedFrom = null)
    {
        var kept = new BestCheckpoint(path, resumedFrom, EpochMerit.Of(ck.Training), p => EpochMerit.Of(ClassifierCheckpoint.Load(p).Training));
        var callbacks = new TrainingCallbacks
        {
            Save = kept.Saving(ck.Save, () => EpochMerit.Of(ck.Training)!.Value),
            Epoch = new SynchronousProgress<EpochReport>(r => afterSave(r.Epoch)),
        };
        return kept.Guard(() => new Trainer(ck.Model, ck.Training!).Fit(Mnist.Value, callbacks));
    }

    // Noise on the hidden layer's weights: the next epoch starts far from where the last one ended, so it ends worse.
    private static void Spoil(ClassifierModel model)
    {
        var rng = new Random(7);
        var w = model.Network.AllParameters().First().Value.Span;
        for (int i = 0; i < w.Length; i++) w[i] += (float)(0.3 * (rng.NextDouble() * 2 - 1));
    }

    [Fact]
    public void A_diverged_run_leaves_its_best_epoch_at_out_and_its_last_good_one_beside_it_and_says_so()
    {
        using var temp = new TempFolder();
        var path = temp.File("m.ckpt");
        var ck = NewMlp(epochs: 6);
        var saved = new Dictionary<int, byte[]>();
        var e = Assert.Throws<TrainingDivergedException>(() => Train(ck, path, epoch =>
        {
            saved[epoch] = File.ReadAllBytes(path);
            if (epoch == 2) Spoil(ck.Model);
            // Pixel 0 of MNIST is always 0: this weight moves nothing, but the guard's weight bound stops epoch 4.
            if (epoch == 3) ck.Model.Network.AllParameters().First().Value.Span[0] = 3e6f;
        }));

        var history = ck.Training!.History;
        Assert.Equal(3, history.Count);
        // The scenario itself: epoch 2 is the best, epoch 3 (after the noise) is worse but still good health.
        Assert.True(history[2].TestAccuracy < history[1].TestAccuracy && history[1].TestAccuracy > history[0].TestAccuracy,
            $"test accuracies {string.Join(", ", history.Select(h => h.TestAccuracy))}");
        Assert.Contains("Training diverged at epoch 4", e.Message);
        string last = BestCheckpoint.LastPathFor(path);
        Assert.Contains($"The best checkpoint (epoch 2, test accuracy {100 * history[1].TestAccuracy:F2} %) is kept in {path}; the last good one (epoch 3) is in {last}.", e.Message);
        Assert.Equal(saved[2], File.ReadAllBytes(path));
        Assert.Equal(saved[3], File.ReadAllBytes(last));
        Assert.Equal(2, ClassifierCheckpoint.Load(path).Training!.CompletedEpochs);
        Assert.Equal(3, ClassifierCheckpoint.Load(last).Training!.CompletedEpochs);
        Assert.Equal(["m.ckpt", "m.last.ckpt"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
    }

    /// <summary>A run killed while an earlier epoch was its best leaves NAME.best.ckpt beside --out; resumed in place, the
    /// run reads that file's merit and still leaves it at --out if it stays the best when the run diverges.</summary>
    [Fact]
    public void A_run_resumed_in_place_keeps_the_best_epoch_an_interrupted_run_left_beside_it()
    {
        using var temp = new TempFolder();
        var path = temp.File("m.ckpt");
        var best = BestCheckpoint.BestPathFor(path);
        var ck = NewMlp(epochs: 6);
        var saved = new Dictionary<int, byte[]>();
        // "Killed" after epoch 3 (any exception but divergence ends the run as a signal would, with no clean-up).
        Assert.Throws<OperationCanceledException>(() => Train(ck, path, epoch =>
        {
            saved[epoch] = File.ReadAllBytes(path);
            if (epoch == 2) Spoil(ck.Model);
            if (epoch == 3) throw new OperationCanceledException();
        }));
        Assert.True(ck.Training!.History[2].TestAccuracy < ck.Training.History[1].TestAccuracy, "epoch 3 should be worse than epoch 2");
        Assert.Equal(saved[2], File.ReadAllBytes(best));
        Assert.Equal(saved[3], File.ReadAllBytes(path));

        var resumed = ClassifierCheckpoint.Load(path);
        Spoil(resumed.Model);
        var e = Assert.Throws<TrainingDivergedException>(() => Train(resumed, path, epoch =>
        {
            saved[epoch] = File.ReadAllBytes(path);
            if (epoch == 4) resumed.Model.Network.AllParameters().First().Value.Span[0] = 3e6f;
        }, resumedFrom: path));
        var h = resumed.Training!.History;
        Assert.True(h[3].TestAccuracy < h[1].TestAccuracy, $"test accuracies {string.Join(", ", h.Select(x => x.TestAccuracy))}");
        Assert.Contains($"The best checkpoint (epoch 2, test accuracy {100 * h[1].TestAccuracy:F2} %) is kept in {path}; the last good one (epoch 4) is in {BestCheckpoint.LastPathFor(path)}.", e.Message);
        Assert.Equal(saved[2], File.ReadAllBytes(path));
        Assert.Equal(saved[4], File.ReadAllBytes(BestCheckpoint.LastPathFor(path)));
        Assert.False(File.Exists(best));
    }

    /// <summary>The ranking rules of the generative loops (docs/RELIABILITY.md, "What best means"), on the loss tables
    /// their epochs report: lower MMD, reconstruction or L1 is better; a later phase outranks an earlier one; a GAN's
    /// and the cGAN colorizer's latest good epoch is their best.</summary>
    [Fact]
    public void Generative_epochs_rank_by_their_phase_cost_and_adversarial_ones_by_recency()
    {
        static EpochMerit Gen(params (string Phase, string Key, double Cost)[] epochs)
        {
            var state = new GenerativeTrainingState { CompletedEpochs = epochs.Length };
            state.History.AddRange(epochs.Select((e, i) => new GenerativeEpochReport(i + 1, 9, e.Phase, new Dictionary<string, double> { [e.Key] = e.Cost }, 1, 1)));
            return EpochMerit.Of(state)!.Value;
        }
        Assert.True(Gen(("gmmn", "mmd", 0.20), ("gmmn", "mmd", 0.15)).Beats(Gen(("gmmn", "mmd", 0.20))));
        Assert.False(Gen(("gmmn", "mmd", 0.20), ("gmmn", "mmd", 0.25)).Beats(Gen(("gmmn", "mmd", 0.20))));
        Assert.Equal("MMD cost 0.25", Gen(("gmmn", "mmd", 0.25)).Text);
        // The MMD phase's first epoch outranks the auto-encoder's best, whatever the numbers.
        Assert.True(Gen(("autoencoder", "reconstruction", 0.01), ("gmmn", "mmd", 0.9)).Beats(Gen(("autoencoder", "reconstruction", 0.01))));
        Assert.True(Gen(("gan", "d_loss", 0.7), ("gan", "d_loss", 5.0)).Beats(Gen(("gan", "d_loss", 0.7))));
        Assert.False(Gen(("gan", "d_loss", 0.7)).Ranked);

        static EpochMerit Colorizer(params Dictionary<string, double>[] epochs)
        {
            var state = new ColorizerTrainingState { CompletedEpochs = epochs.Length };
            state.History.AddRange(epochs.Select((l, i) => new ColorizerEpochReport(i + 1, 9, l, 1, 1)));
            return EpochMerit.Of(state)!.Value;
        }
        static Dictionary<string, double> L1(double l1) => new() { ["l1"] = l1 };
        static Dictionary<string, double> Cgan(double l1) => new() { ["l1"] = l1, ["d_loss"] = 1, ["g_gan"] = 1 };
        Assert.False(Colorizer(L1(0.1), L1(0.2)).Beats(Colorizer(L1(0.1))));
        Assert.True(Colorizer(L1(0.2), L1(0.1)).Beats(Colorizer(L1(0.2))));
        Assert.True(Colorizer(Cgan(0.1), Cgan(0.2)).Beats(Colorizer(Cgan(0.1))));
        Assert.Null(EpochMerit.Of(new GenerativeTrainingState()));
    }

    [Fact]
    public void A_healthy_run_keeps_its_latest_epoch_at_out_and_the_best_beside_it_only_while_it_runs()
    {
        using var temp = new TempFolder();
        var path = temp.File("m.ckpt");
        var best = BestCheckpoint.BestPathFor(path);
        var ck = NewMlp(epochs: 4);
        var saved = new Dictionary<int, byte[]>();
        var result = Train(ck, path, epoch =>
        {
            saved[epoch] = File.ReadAllBytes(path);
            // --out is always the latest epoch, what --resume continues from; a better earlier one is kept beside it.
            Assert.Equal(epoch, ClassifierCheckpoint.Load(path).Training!.CompletedEpochs);
            if (epoch == 3) Assert.Equal(saved[2], File.ReadAllBytes(best));
            if (epoch == 2) Spoil(ck.Model);
        });
        var h = result.History;
        Assert.True(h[2].TestAccuracy < h[1].TestAccuracy, $"test accuracies {string.Join(", ", h.Select(x => x.TestAccuracy))}");
        Assert.Equal(saved[4], File.ReadAllBytes(path));
        Assert.Equal(["m.ckpt"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }
}
