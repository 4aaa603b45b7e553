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
    private static Checkpoint NewRun(int seed, int epochs, string? path = null, string optimizer = "sgd") =>
        MnistTrainingTests.NewMlp(new MlpOptions([784, 32, 10], "relu", Initializer.He, 0.3f, "log-likelihood", seed),
            new TrainerOptions
            {
                Epochs = epochs, BatchSize = 32, LearningRate = optimizer == "adam" ? 0.002f : 0.05f, Seed = seed,
                Optimizer = new OptimizerSettings(optimizer, 0.9f), L2 = 1f, Schedule = new LearningRateSchedule("cosine"),
                Augmentation = AugmentationOptions.Standard, CheckpointPath = path, EvaluateTrainingSet = false,
            });

    private static float[] Weights(Checkpoint c) => c.Network.AllParameters().SelectMany(p => p.Value.Span.ToArray()).ToArray();

    [Fact]
    public void Same_seed_gives_the_same_weights_bit_for_bit_and_another_seed_does_not()
    {
        var a = NewRun(5, 2); new Trainer(a).Fit(Small);
        var b = NewRun(5, 2); new Trainer(b).Fit(Small);
        var c = NewRun(6, 2); new Trainer(c).Fit(Small);
        Assert.Equal(Weights(a), Weights(b));
        Assert.NotEqual(Weights(a), Weights(c));
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void A_resumed_run_continues_exactly_as_an_uninterrupted_one(string optimizer)
    {
        using var folder = new TempFolder();
        var straight = NewRun(3, 3, optimizer: optimizer);
        var straightResult = new Trainer(straight).Fit(Small);

        // Interrupt a 3-epoch run after its second epoch (as a killed process would be), then resume from the file.
        var path = folder.File("run.ckpt");
        var first = NewRun(3, 3, path, optimizer);
        using var stop = new CancellationTokenSource();
        var progress = new Progress(r => { if (r.Epoch == 2) stop.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => new Trainer(first).Fit(Small, progress, cancellation: stop.Token));
        var resumed = Checkpoint.Load(path);
        Assert.Equal(2, resumed.Training!.CompletedEpochs);
        var resumedResult = new Trainer(resumed).Fit(Small);

        Assert.Equal(Weights(straight), Weights(resumed));
        Assert.Equal(straight.Optimizer!.State.SelectMany(t => t.Span.ToArray()), resumed.Optimizer!.State.SelectMany(t => t.Span.ToArray()));
        Assert.Equal(straightResult.History.Select(h => h.TestAccuracy), resumedResult.History.Select(h => h.TestAccuracy));
        Assert.Equal(straightResult.History.Select(h => h.TrainLoss), resumedResult.History.Select(h => h.TrainLoss));
    }

    private sealed class Progress(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }

    [Fact]
    public void A_huge_learning_rate_stops_with_a_clear_message_and_keeps_the_last_good_checkpoint()
    {
        using var folder = new TempFolder();
        var path = folder.File("diverge.ckpt");
        // η = 0.05 for epoch 1, then ×10⁸ each epoch: epoch 1 is good, a later one blows up.
        var ck = MnistTrainingTests.NewMlp(new MlpOptions([784, 32, 10], "relu", Initializer.He, Cost: "quadratic"),
            new TrainerOptions { Epochs = 5, BatchSize = 32, LearningRate = 0.05f, Schedule = LearningRateSchedule.Parse("step:1:1e8"), CheckpointPath = path, EvaluateTrainingSet = false });
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(ck).Fit(Small));
        Assert.Contains("diverged at epoch", e.Message);
        Assert.Contains("smaller learning rate", e.Message);
        Assert.Contains(path, e.Message);
        var kept = Checkpoint.Load(path);
        int good = kept.Training!.CompletedEpochs;
        Assert.True(good >= 1, "epoch 1 (η = 0.05) should have completed");
        Assert.Contains($"after epoch {good}", e.Message);
        Assert.Contains($"diverged at epoch {good + 1}", e.Message);
        Assert.All(Weights(kept), w => Assert.True(float.IsFinite(w)));
        Assert.True(kept.Training.History[^1].TestAccuracy > 0.5);
    }

    [Fact]
    public void Early_stopping_stops_when_test_accuracy_stalls()
    {
        var tiny = Small with { Train = Small.Train.Take(200), Test = Small.Test.Take(100) };
        var ck = MnistTrainingTests.NewMlp(new MlpOptions([784, 16, 10], "relu", Initializer.He, Cost: "log-likelihood"),
            new TrainerOptions { Epochs = 40, BatchSize = 20, LearningRate = 0.1f, Patience = 2, EvaluateTrainingSet = false });
        var result = new Trainer(ck).Fit(tiny);
        Assert.NotNull(result.StopReason);
        Assert.True(result.History.Count < 40);
        var best = result.History.Max(h => h.TestAccuracy);
        Assert.All(result.History.Skip(ck.Training!.BestEpoch), h => Assert.True(h.TestAccuracy <= best));
        Assert.Equal(ck.Training.BestEpoch + 2, result.History.Count);
    }
}
