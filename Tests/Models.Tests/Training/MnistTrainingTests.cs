using NeuralPipelines.Tests;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Zoo;
using Xunit.Abstractions;

namespace NeuralPipelines.Models.Tests.Training;

public class MnistTrainingTests(ITestOutputHelper output)
{
    internal static readonly Lazy<TrainTestSplit> Mnist = new(() => IdxImageFolder.Load(ShippedData.Mnist, "mnist"));

    internal static ClassifierCheckpoint NewMlp(MlpOptions mlp, TrainerOptions options)
    {
        var net = Mlp.Build(mlp);
        var labels = Enumerable.Range(0, mlp.Sizes[^1]).Select(i => i.ToString()).ToArray();
        return new ClassifierCheckpoint(new ClassifierModel(net, "mlp", [1, 28, 28], labels, mlp.Cost), new TrainingState { Options = options });
    }

    /// <summary>Measured 90.90 %: the floor is within a point.</summary>
    private static readonly AccuracyGate TwoEpochs = AccuracyGate.AtLeast(0.90, "784-100-10 ReLU MLP, 2 epochs, test accuracy");

    /// <summary>The accuracy floor; measured 96.10 % (EXPERIMENTS.md row 18).</summary>
    private static readonly AccuracyGate TenEpochs = AccuracyGate.AtLeast(0.95, "784-100-10 ReLU MLP, 10 epochs, test accuracy");

    /// <summary>784-100-10 ReLU, softmax + log-likelihood, SGD η=0.1 μ=0.9, batch 64.</summary>
    private static ClassifierCheckpoint ReluMlp(int epochs) =>
        NewMlp(new MlpOptions([784, 100, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood),
            new TrainerOptions { Epochs = epochs, BatchSize = 64, LearningRate = 0.1f, Optimizer = new OptimizerSettings(OptimizerKind.Sgd, 0.9f), EvaluateTrainingSet = false });

    [Fact]
    public void Two_epochs_of_relu_mlp_reach_90_percent_on_shipped_mnist()
    {
        var result = ReluMlp(2).Fit(Mnist.Value);
        foreach (var e in result.History) output.WriteLine(e.ToString());
        TwoEpochs.Check(result.TestAccuracy);
    }

    /// <summary>The accuracy floor: 784-100-10 ReLU, softmax + log-likelihood, SGD η=0.1 μ=0.9, batch 64, 10 epochs.</summary>
    [Fact]
    public void Accuracy_floor_784_100_10_relu_sgd_momentum_reaches_95_percent()
    {
        var result = ReluMlp(10).Fit(Mnist.Value);
        foreach (var e in result.History) output.WriteLine(e.ToString());
        TenEpochs.Check(result.TestAccuracy);
    }

    /// <summary>The same MLP trained for 2 epochs on the same digits with their labels shuffled fails both floors.</summary>
    [Fact]
    public void Both_floors_refuse_the_same_mlp_trained_on_shuffled_labels()
    {
        var result = ReluMlp(2).Fit(Mnist.Value with { Train = WrongLabels.Shuffled(Mnist.Value.Train) });
        output.WriteLine($"shuffled labels: {result.TestAccuracy:P2}");
        TwoEpochs.Refuses(result.TestAccuracy, "shuffled training labels");
        TenEpochs.Refuses(result.TestAccuracy, "shuffled training labels");
    }
}
