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

    [Fact]
    public void Two_epochs_of_relu_mlp_reach_90_percent_on_shipped_mnist()
    {
        var ck = NewMlp(new MlpOptions([784, 100, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood),
            new TrainerOptions { Epochs = 2, BatchSize = 64, LearningRate = 0.1f, Optimizer = new OptimizerSettings(OptimizerKind.Sgd, 0.9f), EvaluateTrainingSet = false });
        var result = ck.Fit(Mnist.Value);
        foreach (var e in result.History) output.WriteLine(e.ToString());
        Assert.True(result.TestAccuracy >= 0.90, $"test accuracy {result.TestAccuracy:P2} after 2 epochs");   // measured 90.90 %: the bar is within a point
    }

    /// <summary>The accuracy floor: 784-100-10 ReLU, softmax + log-likelihood, SGD η=0.1 μ=0.9, batch 64, 10 epochs.</summary>
    [Fact]
    public void Accuracy_floor_784_100_10_relu_sgd_momentum_reaches_95_percent()
    {
        var ck = NewMlp(new MlpOptions([784, 100, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood),
            new TrainerOptions { Epochs = 10, BatchSize = 64, LearningRate = 0.1f, Optimizer = new OptimizerSettings(OptimizerKind.Sgd, 0.9f), EvaluateTrainingSet = false });
        var result = ck.Fit(Mnist.Value);
        foreach (var e in result.History) output.WriteLine(e.ToString());
        Assert.True(result.TestAccuracy >= 0.95, $"test accuracy {result.TestAccuracy:P2} after 10 epochs");   // measured 96.10 % (EXPERIMENTS.md row 18)
    }
}
