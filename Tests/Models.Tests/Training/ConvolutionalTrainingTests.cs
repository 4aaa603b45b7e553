using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>The training loop and checkpoints with convolution, pooling and batch norm (whose running statistics are
/// buffers, not parameters): what the model-zoo networks are made of.</summary>
public class ConvolutionalTrainingTests
{
    private static ClassifierCheckpoint SmallCnn(int epochs) =>
        new(new ClassifierModel(new Sequential(
                new Conv2d(1, 4, 5, rng: new Random(1)) { InputGradient = false }, new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Dropout(0.2f), new Dense(4 * 12 * 12, 10, Init.Initializer.He, new Random(2))),
            "small-cnn", [1, 28, 28], Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(), Losses.CostKind.LogLikelihood),
            new TrainingState
            {
                Options = new TrainerOptions
                {
                    Epochs = epochs, BatchSize = 32, LearningRate = 0.05f, Optimizer = new OptimizerSettings(OptimizerKind.Sgd, 0.9f),
                    EvaluateTrainingSet = false, Seed = 2,
                },
            });

    private static readonly AccuracyGate Gate = new(0.876, "small CNN, 2 epochs on 1,500 digits, test accuracy");

    private static Data.Datasets.TrainTestSplit Digits => MnistTrainingTests.Mnist.Value with
    {
        Train = MnistTrainingTests.Mnist.Value.Train.Take(1500),
        Test = MnistTrainingTests.Mnist.Value.Test.Take(500),
    };

    [Fact]
    public void A_small_cnn_learns_and_resumes_exactly_including_batch_norm_statistics()
    {
        var data = Digits;
        using var folder = new TempFolder();
        var straight = SmallCnn(2);
        var result = straight.Fit(data);
        Gate.Check(result.TestAccuracy);
        Assert.NotEmpty(straight.Model.Network.AllBuffers());

        var path = folder.File("cnn.ckpt");
        SmallCnn(1).Fit(data, path);
        var resumed = ClassifierCheckpoint.Load(path);
        resumed.Training!.Options = resumed.Training.Options with { Epochs = 2 };
        resumed.Fit(data);

        Assert.Equal(straight.Weights(), resumed.Weights());
        Assert.Equal(straight.Model.Network.AllBuffers().SelectMany(b => b.Span.ToArray()), resumed.Model.Network.AllBuffers().SelectMany(b => b.Span.ToArray()));
    }

    [Fact]
    public void The_gate_refuses_the_same_cnn_trained_on_shuffled_labels()
    {
        var data = Digits with { Train = WrongLabels.Shuffled(Digits.Train) };
        Gate.Refuses(SmallCnn(2).Fit(data).TestAccuracy, "shuffled training labels");
    }
}
