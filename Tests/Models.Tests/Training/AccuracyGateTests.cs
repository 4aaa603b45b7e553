using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Training.Recipes;
using Xunit.Abstractions;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>The accuracy gates of the training tests (MLP ≥ 90 % and ≥ 95 %, LeNet-5 and ResNet ≥ 90 %, the small CNN
/// > 85 %, resumed runs > 50 %) all read the test accuracy that <see cref="Trainer"/> measures. A deliberately bad model run
/// through the same trainer must measure below every one of those bars: here a network trained on labels shifted by one
/// (a label bug), which learns confidently and is wrong on nearly every test digit.</summary>
public class AccuracyGateTests(ITestOutputHelper output)
{
    /// <summary>The lowest bar among the default tier's accuracy gates on MNIST (ResumeAndDeterminismTests).</summary>
    private const double LowestGate = 0.5;

    [Theory]
    [InlineData("mlp", 2000)]
    [InlineData("lenet5", 2000)]
    public void A_model_trained_on_shifted_labels_fails_every_accuracy_gate(string architecture, int images)
    {
        var mnist = MnistTrainingTests.Mnist.Value;
        var train = WrongLabels.Shifted(mnist.Train.Take(images));
        var split = new TrainTestSplit(mnist.Name, train, mnist.Test.Take(500));
        var (model, state) = ClassifierSetup.Start(architecture, train, TrainingRecipes.For(architecture, "mnist"), new TrainingChoices { Epochs = 1, BatchSize = 32, Seed = 2 });
        var result = new Trainer(model, state).Fit(split);
        output.WriteLine($"{architecture}: test accuracy {result.TestAccuracy:P2}");
        Assert.True(result.TestAccuracy < LowestGate, $"{architecture} trained on wrong labels measured {result.TestAccuracy:P2}, which would pass a gate");

        // It did learn: scored against the same shift, the test digits come out mostly right. The gate sees a real model
        // with a real defect, not one that failed to train.
        var shifted = Evaluator.Evaluate(model.Network, new LogLikelihoodCost(), WrongLabels.Shifted(mnist.Test.Take(500)), model.Normalization);
        output.WriteLine($"{architecture}: against shifted test labels {shifted.Accuracy:P2}");
        Assert.True(shifted.Accuracy > 0.5, $"{architecture} learned too little ({shifted.Accuracy:P2} on shifted labels) for the planted defect to mean anything");
    }
}
