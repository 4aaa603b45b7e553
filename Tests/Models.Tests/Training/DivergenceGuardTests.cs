using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>Divergence without a NaN (issue 13, point 4): runaway weights or a tenfold cost stop training, and the file
/// keeps the last good epoch.</summary>
public class DivergenceGuardTests
{
    private static EpochReport Epoch(int k, double trainLoss) => new(k, 10, 0.1f, trainLoss, 0.5, trainLoss, 0.5, 1, 0, 1);

    [Fact]
    public void A_weight_past_the_bound_or_a_tenfold_cost_is_divergence_and_ordinary_training_is_not()
    {
        var net = new Dense(4, 3, Initializer.He, new Random(1));
        Assert.Null(DivergenceGuard.Check(net, 0.7, []));
        Assert.Null(DivergenceGuard.Check(net, 0.9, [Epoch(1, 0.5), Epoch(2, 0.3)]));
        // Near zero a tenfold rise is noise: costs are compared from 0.01 up.
        Assert.Null(DivergenceGuard.Check(net, 0.05, [Epoch(1, 0.0001)]));
        Assert.Contains("more than 10 times its best of 0.3", DivergenceGuard.Check(net, 3.5, [Epoch(1, 0.5), Epoch(2, 0.3)]));
        // A cost with a known least value is judged from epoch 1 against it, and later against the lower of it and the best.
        Assert.Null(DivergenceGuard.Cost("gan cost", 2.5, [], least: 1.386));
        Assert.Contains("more than 10 times its least possible value of 1.386", DivergenceGuard.Cost("gan cost", 14, [], least: 1.386));
        Assert.Null(DivergenceGuard.Cost("gan cost", 3, [2.4, 1.9], least: 1.386));
        Assert.Contains("more than 10 times its least possible value of 1.386", DivergenceGuard.Cost("gan cost", 14, [2.4, 1.9], least: 1.386));

        net.AllParameters().First().Value.Span[5] = -2e6f;
        var why = DivergenceGuard.Check(net, 0.7, []);
        Assert.Contains("parameter0.weight reached 2e6", why);
        Assert.Contains("past the bound of ±1e6", why);
    }

    [Fact]
    public void A_softmax_mlp_whose_learning_rate_explodes_stops_before_saving_runaway_weights()
    {
        using var folder = new TempFolder();
        var path = folder.File("runaway.ckpt");
        var data = MnistTrainingTests.Mnist.Value with
        {
            Train = MnistTrainingTests.Mnist.Value.Train.Take(600),
            Test = MnistTrainingTests.Mnist.Value.Test.Take(200),
        };
        // η = 0.05 for epoch 1, then ×10⁴ each epoch: softmax keeps the cost finite while the weights run away.
        var ck = MnistTrainingTests.NewMlp(new MlpOptions([784, 16, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood),
            new TrainerOptions { Epochs = 6, BatchSize = 32, LearningRate = 0.05f, Schedule = LearningRateSchedule.Parse("step:1:1e4"), EvaluateTrainingSet = false });
        var e = Assert.Throws<TrainingDivergedException>(() => ck.Fit(data, path));
        Assert.Contains("diverged at epoch", e.Message);
        var kept = ClassifierCheckpoint.Load(path);
        Assert.Equal(kept.Training!.CompletedEpochs, e.GoodEpochs);
        Assert.All(kept.Weights(), w => Assert.True(Math.Abs(w) <= DivergenceGuard.WeightBound));
    }
}
