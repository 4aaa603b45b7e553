using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Zoo;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>A training state belongs to one model: its optimiser steps that model's parameters and no other's (audit O1:
/// another model's state trained nothing, moved the first model's weights and reported its accuracy).</summary>
public class TrainingStateOwnershipTests
{
    private static TrainTestSplit Tiny => MnistTrainingTests.Mnist.Value with
    {
        Train = MnistTrainingTests.Mnist.Value.Train.Take(200),
        Test = MnistTrainingTests.Mnist.Value.Test.Take(50),
    };

    private static TrainerOptions Options(int epochs) => new()
    {
        Epochs = epochs, BatchSize = 32, LearningRate = 0.05f, Optimizer = new OptimizerSettings(OptimizerKind.Sgd, 0.9f), EvaluateTrainingSet = false,
    };

    private static ClassifierCheckpoint NewRun(int epochs, int[]? sizes = null) =>
        MnistTrainingTests.NewMlp(new MlpOptions(sizes ?? [784, 16, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood), Options(epochs));

    [Fact]
    public void Another_models_optimiser_is_refused_before_any_weight_moves()
    {
        var first = NewRun(1);
        first.Fit(Tiny);
        var before = first.Weights();
        var second = NewRun(2);

        var e = Assert.Throws<InvalidOperationException>(() =>
            new Trainer(second.Model, new TrainingState { Options = Options(2), Optimizer = first.Training!.Optimizer }).Fit(Tiny));
        Assert.Contains("another network", e.Message);
        Assert.Equal(before, first.Weights());
    }

    [Fact]
    public void A_checkpoints_training_state_given_to_another_architecture_is_refused()
    {
        using var folder = new NeuralPipelines.Tests.TempFolder();
        var path = folder.File("mlp.ckpt");
        var run = NewRun(1);
        run.Fit(Tiny);
        run.Save(path);
        var state = ClassifierCheckpoint.Load(path).Training!;
        state.Options = state.Options with { Epochs = 2 };
        var wider = NewRun(2, [784, 32, 10]).Model;

        var e = Assert.Throws<InvalidOperationException>(() => new Trainer(wider, state).Fit(Tiny));
        Assert.Contains("another network", e.Message);
    }

    [Fact]
    public void An_optimiser_of_other_settings_than_the_options_is_refused()
    {
        var run = NewRun(1);
        var adam = Optimizer.Create(new OptimizerSettings(OptimizerKind.Adam), run.Model.Network.AllParameters().ToArray());
        var e = Assert.Throws<InvalidOperationException>(() =>
            new Trainer(run.Model, new TrainingState { Options = Options(1), Optimizer = adam }).Fit(Tiny));
        Assert.Contains("options say", e.Message);
    }
}
