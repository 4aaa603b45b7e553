using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Tests.Training;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Tests;
using Xunit.Abstractions;

namespace NeuralPipelines.Models.Tests.Conv;

/// <summary>The zoo's networks learn real digits through the trainer; short runs here, the full ones are in docs/EXPERIMENTS.md.</summary>
public class ZooTrainingTests(ITestOutputHelper output)
{
    private static readonly Lazy<TrainTestSplit> Mnist = new(() => IdxImageFolder.Load(ShippedData.Mnist, "mnist"));

    private TrainingResult Train(string architecture, int trainImages, int epochs, int batch, float lr, string path, bool testOnTrain = false,
        string schedule = "constant", float dropout = 0f)
    {
        var data = Mnist.Value;
        var train = data.Train.Take(trainImages);
        var split = new TrainTestSplit(data.Name, train, testOnTrain ? train : data.Test.Take(1000));
        var net = ModelZoo.Build(architecture, new ZooOptions(1, 28, 28, 10, Seed: 1, Dropout: dropout));
        var ck = new ClassifierCheckpoint(
            new ClassifierModel(net, architecture, [1, 28, 28], Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(), Losses.CostKind.LogLikelihood),
            new TrainingState
            {
                Options = new TrainerOptions
                {
                    Epochs = epochs, BatchSize = batch, LearningRate = lr, Optimizer = new OptimizerSettings(OptimizerKind.Sgd, 0.9f),
                    EvaluateTrainingSet = false,
                    Schedule = LearningRateSchedule.Parse(schedule),
                },
            });
        var result = ck.Fit(split, path);
        foreach (var e in result.History) output.WriteLine(e.ToString());
        return result;
    }

    /// <summary>At a constant rate the second epoch's test accuracy moved between 88 and 92 % with nothing but the order in
    /// which a kernel adds its products; the annealed rate (cosine: the second epoch at half the rate) gave 93.7 % when this
    /// test was written and 94.2 % now (two kernel rewrites later), which is where the bar sits.</summary>
    [Fact]
    public void LeNet5_learns_digits_in_two_epochs_and_its_checkpoint_reloads()
    {
        using var temp = new TempFolder();
        var path = temp.File("lenet5.ckpt");
        var result = Train("lenet5", 4000, 2, 32, 0.05f, path, schedule: "cosine");
        AccuracyBar.AtLeast(result.TestAccuracy, measured: 0.942, "LeNet-5, 2 epochs on 4,000 digits, test accuracy");

        // The saved network rebuilds from its spec and scores the same.
        var reloaded = ClassifierCheckpoint.Load(path).Model;
        Assert.Equal("lenet5", reloaded.Architecture);
        var again = Evaluator.Evaluate(reloaded.Network, new Losses.LogLikelihoodCost(), Mnist.Value.Test.Take(1000), reloaded.Normalization);
        Assert.Equal(result.TestAccuracy, again.Accuracy, 6);
    }

    /// <summary>Gradients flow through skip connections and batch-norm: ResNet-8 fits 128 digits (measured on those digits,
    /// in inference mode, i.e. with the running statistics) within 12 short epochs. The rate anneals (cosine): at a constant
    /// 0.05 the weights still move at the end, the running statistics trail them, and the inference-mode accuracy swung
    /// between 51 and 98 % from one epoch to the next, so the last epoch's figure depended on float summation order.</summary>
    [Fact]
    public void ResNet_fits_a_small_sample_through_skips_and_batch_norm()
    {
        using var temp = new TempFolder();
        var result = Train("resnet", 128, 12, 16, 0.05f, temp.File("resnet.ckpt"), testOnTrain: true, schedule: "cosine");
        AccuracyBar.AtLeast(result.TestAccuracy, measured: 0.9922, "ResNet-8, accuracy on the 128 training digits it fitted", examples: 128);
    }

    /// <summary>One epoch over the 8000 shipped digits (250 steps) for each of the heavier networks (about a minute on two
    /// quiet cores), with dropout 0.2 in the classifiers as in docs/EXPERIMENTS.md's AlexNet run. The dropout-heavy
    /// classifiers of AlexNet and VGG start slowest, so the bar is "clearly learning", not a final accuracy (chance is
    /// 10 %). Measured: alexnet 80.3 %, vgg 90.8 %, googlenet 78.4 %, resnet14 94.5 %. With the zoo's default dropout 0.5
    /// AlexNet reached only 42 % after one epoch (at 143a7a9 as at d2de6eb), under the old bar of 50 %.</summary>
    [LongFact]
    public void Every_zoo_network_learns_digits_from_a_short_run()
    {
        using var temp = new TempFolder();
        var accuracies = new Dictionary<string, double>();
        foreach (var name in new[] { "alexnet", "vgg", "googlenet", "resnet14" })
        {
            accuracies[name] = Train(name, 8000, 1, 32, 0.05f, temp.File(name + ".ckpt"), dropout: 0.2f).TestAccuracy;
            output.WriteLine($"RESULT {name}: {accuracies[name]:P2}");
        }
        Assert.All(accuracies, a => Assert.True(a.Value >= 0.50, $"{a.Key}: test accuracy {a.Value:P2}"));
    }
}
