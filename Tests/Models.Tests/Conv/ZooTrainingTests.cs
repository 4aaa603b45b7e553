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

/// <summary>The zoo's networks learn real digits through the trainer; short runs here, the full ones are in docs/EXPERIMENTS.md.
/// The two gated runs are trained once (<see cref="ZooRuns"/>) for the test that gates each and the test that plants a
/// defect in it.</summary>
public class ZooTrainingTests(ITestOutputHelper output, ZooTrainingTests.ZooRuns runs) : IClassFixture<ZooTrainingTests.ZooRuns>
{
    private static readonly Lazy<TrainTestSplit> Mnist = new(() => IdxImageFolder.Load(ShippedData.Mnist, "mnist"));

    /// <summary>At a constant rate the second epoch's test accuracy moved between 88 and 92 % with nothing but the order in
    /// which a kernel adds its products; the annealed rate (cosine: the second epoch at half the rate) gave 93.7 % when this
    /// test was written and 94.2 % now (two kernel rewrites later), which is where the bar sits.</summary>
    private static readonly AccuracyGate LeNet5Gate = new(0.942, "LeNet-5, 2 epochs on 4,000 digits, test accuracy");

    private static readonly AccuracyGate ResNetGate = new(0.9922, "ResNet-8, accuracy on the 128 training digits it fitted", Examples: 128);

    /// <summary>A trained run: its result, its checkpoint and the split it was scored on.</summary>
    public sealed record ZooRun(TrainingResult Result, string Checkpoint, TrainTestSplit Split);

    /// <summary>The LeNet-5 and ResNet-8 runs, each trained on first use and kept (with their checkpoints) for the class.</summary>
    public sealed class ZooRuns : IDisposable
    {
        private readonly TempFolder _folder = new();

        public ZooRuns()
        {
            LeNet5 = new(() => Train("lenet5", 4000, 2, 32, 0.05f, _folder.File("lenet5.ckpt"), schedule: "cosine"));
            ResNet = new(() => Train("resnet", 128, 12, 16, 0.05f, _folder.File("resnet.ckpt"), testOnTrain: true, schedule: "cosine"));
        }

        public Lazy<ZooRun> LeNet5 { get; }
        public Lazy<ZooRun> ResNet { get; }

        public void Dispose() => _folder.Dispose();
    }

    private static ZooRun Train(string architecture, int trainImages, int epochs, int batch, float lr, string path, bool testOnTrain = false,
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
        return new ZooRun(ck.Fit(split, path), path, split);
    }

    private void Print(ZooRun run)
    {
        foreach (var e in run.Result.History) output.WriteLine(e.ToString());
    }

    [Fact]
    public void LeNet5_learns_digits_in_two_epochs_and_its_checkpoint_reloads()
    {
        var run = runs.LeNet5.Value;
        Print(run);
        LeNet5Gate.Check(run.Result.TestAccuracy);

        // The saved network rebuilds from its spec and scores the same.
        var reloaded = ClassifierCheckpoint.Load(run.Checkpoint).Model;
        Assert.Equal("lenet5", reloaded.Architecture);
        Assert.Equal(run.Result.TestAccuracy, Score(reloaded, run.Split.Test), 6);
    }

    /// <summary>Gradients flow through skip connections and batch-norm: ResNet-8 fits 128 digits (measured on those digits,
    /// in inference mode, i.e. with the running statistics) within 12 short epochs. The rate anneals (cosine): at a constant
    /// 0.05 the weights still move at the end, the running statistics trail them, and the inference-mode accuracy swung
    /// between 51 and 98 % from one epoch to the next, so the last epoch's figure depended on float summation order.</summary>
    [Fact]
    public void ResNet_fits_a_small_sample_through_skips_and_batch_norm()
    {
        var run = runs.ResNet.Value;
        Print(run);
        ResNetGate.Check(run.Result.TestAccuracy);
    }

    /// <summary>Each gate above refuses its own trained network once the output layer's weights and bias are zeroed (as a
    /// checkpoint that lost them would be), scored the same way on the same digits: every digit then gets one class.</summary>
    [Theory]
    [InlineData("lenet5")]
    [InlineData("resnet")]
    public void The_gate_refuses_the_trained_network_with_its_output_layer_zeroed(string architecture)
    {
        var (run, gate) = architecture == "lenet5" ? (runs.LeNet5.Value, LeNet5Gate) : (runs.ResNet.Value, ResNetGate);
        var model = ClassifierCheckpoint.Load(run.Checkpoint).Model;
        Assert.Equal(run.Result.TestAccuracy, Score(model, run.Split.Test), 6); // the same scoring as the gate's figure
        var last = model.Network.AllParameters().TakeLast(2).ToArray();
        Assert.Equal(10, last[^1].Value.Length); // the output layer's bias: one per class
        foreach (var p in last) p.Value.Clear();
        double wrong = Score(model, run.Split.Test);
        output.WriteLine($"{architecture}: {run.Result.TestAccuracy:P2} trained, {wrong:P2} with the output layer zeroed");
        gate.Refuses(wrong, "its output layer zeroed");
    }

    private static double Score(ClassifierModel model, LabelledImages images) =>
        Evaluator.Evaluate(model.Network, new Losses.LogLikelihoodCost(), images, model.Normalization).Accuracy;

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
            accuracies[name] = Train(name, 8000, 1, 32, 0.05f, temp.File(name + ".ckpt"), dropout: 0.2f).Result.TestAccuracy;
            output.WriteLine($"RESULT {name}: {accuracies[name]:P2}");
        }
        Assert.All(accuracies, a => Assert.True(a.Value >= 0.50, $"{a.Key}: test accuracy {a.Value:P2}"));
    }
}
