using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Data.Augmentation;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>Same seed → same weights bit for bit; a resumed run equals an uninterrupted one; the NaN guard keeps the last good file.</summary>
public class ResumeAndDeterminismTests
{
    private static TrainTestSplit Small => MnistTrainingTests.Mnist.Value with
    {
        Train = MnistTrainingTests.Mnist.Value.Train.Take(1200),
        Test = MnistTrainingTests.Mnist.Value.Test.Take(300),
    };

    /// <summary>Every source of randomness switched on: dropout, augmentation, momentum, a schedule, L2.</summary>
    private static ClassifierCheckpoint NewRun(int seed, int epochs, string optimizer = "sgd") =>
        MnistTrainingTests.NewMlp(new MlpOptions([784, 32, 10], "relu", Initializer.He, 0.3f, CostKind.LogLikelihood, seed),
            new TrainerOptions
            {
                Epochs = epochs, BatchSize = 32, LearningRate = optimizer == "adam" ? 0.002f : 0.05f, Seed = seed,
                Optimizer = new OptimizerSettings(OptimizerSettings.ParseKind(optimizer), 0.9f), L2 = 1f, Schedule = new LearningRateSchedule(ScheduleKind.Cosine),
                Augmentation = AugmentationOptions.Standard, EvaluateTrainingSet = false,
            });

    [Fact]
    public void Same_seed_gives_the_same_weights_bit_for_bit_and_another_seed_does_not()
    {
        var a = NewRun(5, 2); a.Fit(Small);
        var b = NewRun(5, 2); b.Fit(Small);
        var c = NewRun(6, 2); c.Fit(Small);
        Assert.Equal(a.Weights(), b.Weights());
        Assert.NotEqual(a.Weights(), c.Weights());
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void A_resumed_run_continues_exactly_as_an_uninterrupted_one(string optimizer)
    {
        using var folder = new TempFolder();
        var straight = NewRun(3, 3, optimizer: optimizer);
        var straightResult = straight.Fit(Small);

        // Interrupt a 3-epoch run after its second epoch (as a killed process would be), then resume from the file.
        var path = folder.File("run.ckpt");
        var first = NewRun(3, 3, optimizer);
        using var stop = new CancellationTokenSource();
        var progress = new SynchronousProgress<EpochReport>(r => { if (r.Epoch == 2) stop.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => first.Fit(Small, path, progress, stop.Token));
        var resumed = ClassifierCheckpoint.Load(path);
        Assert.Equal(2, resumed.Training!.CompletedEpochs);
        var resumedResult = resumed.Fit(Small);

        Assert.Equal(straight.Weights(), resumed.Weights());
        Assert.Equal(straight.Training!.Optimizer!.State.SelectMany(t => t.Span.ToArray()), resumed.Training.Optimizer!.State.SelectMany(t => t.Span.ToArray()));
        Assert.Equal(straightResult.History.Select(h => h.TestAccuracy), resumedResult.History.Select(h => h.TestAccuracy));
        Assert.Equal(straightResult.History.Select(h => h.TrainLoss), resumedResult.History.Select(h => h.TrainLoss));
    }

    [Fact]
    public void A_huge_learning_rate_stops_with_a_clear_message_and_the_last_saved_state_is_the_last_good_one()
    {
        using var folder = new TempFolder();
        var path = folder.File("diverge.ckpt");
        // η = 0.05 for epoch 1, then ×10⁸ each epoch: epoch 1 is good, a later one blows up.
        var ck = MnistTrainingTests.NewMlp(new MlpOptions([784, 32, 10], "relu", Initializer.He, Cost: CostKind.Quadratic),
            new TrainerOptions { Epochs = 5, BatchSize = 32, LearningRate = 0.05f, Schedule = LearningRateSchedule.Parse("step:1:1e8"), EvaluateTrainingSet = false });
        var e = Assert.Throws<TrainingDivergedException>(() => ck.Fit(Small, path));
        Assert.Contains("diverged at epoch", e.Message);
        Assert.Contains("smaller learning rate", e.Message);
        var kept = ClassifierCheckpoint.Load(path);
        int good = kept.Training!.CompletedEpochs;
        Assert.True(good >= 1, "epoch 1 (η = 0.05) should have completed");
        Assert.Equal(good, e.GoodEpochs);
        Assert.Contains($"diverged at epoch {good + 1}", e.Message);
        Assert.All(kept.Weights(), w => Assert.True(float.IsFinite(w)));
        Assert.True(kept.Training.History[^1].TestAccuracy > 0.5);
    }

    [Fact]
    public void Early_stopping_stops_when_test_accuracy_stalls()
    {
        var tiny = Small with { Train = Small.Train.Take(200), Test = Small.Test.Take(100) };
        var ck = MnistTrainingTests.NewMlp(new MlpOptions([784, 16, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood),
            new TrainerOptions { Epochs = 40, BatchSize = 20, LearningRate = 0.1f, Patience = 2, EvaluateTrainingSet = false });
        var result = ck.Fit(tiny);
        Assert.NotNull(result.StopReason);
        Assert.True(result.History.Count < 40);
        // The recorded best epoch is the first to reach the run's best accuracy, and the run stopped Patience epochs later.
        var best = result.History.Max(h => h.TestAccuracy);
        int bestEpoch = ck.Training!.BestEpoch;
        Assert.Equal(best, ck.Training.BestTestAccuracy);
        Assert.Equal(best, result.History[bestEpoch - 1].TestAccuracy);
        Assert.All(result.History.Take(bestEpoch - 1), h => Assert.True(h.TestAccuracy < best, $"epoch {h.Epoch} already reached {best:P2}"));
        Assert.Equal(bestEpoch + 2, result.History.Count);
    }
}
