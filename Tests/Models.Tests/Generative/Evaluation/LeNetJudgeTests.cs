using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative.Evaluation;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Training.Recipes;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Generative.Evaluation;

/// <summary>Generated images are judged by a LeNet-5 only (audit H10): an MLP's hidden units were measured and reported as
/// "LeNet FID", a figure not comparable with the documented ones. Untrained networks will do: only what they are matters.</summary>
public class LeNetJudgeTests
{
    private static readonly LabelledImages Digits = new("digits", new float[20 * 784], Enumerable.Range(0, 20).Select(i => i % 10).ToArray(), 1, 28, 28, 10);

    private static ClassifierModel Fresh(string architecture) =>
        ClassifierSetup.Start(architecture, Digits, architecture == "mlp" ? TrainingRecipes.Mlp : TrainingRecipes.LeNet5Mnist, new TrainingChoices()).Model;

    [Fact]
    public void A_lenet5_checkpoint_is_read_and_an_mlp_checkpoint_is_refused_naming_the_file()
    {
        using var folder = new TempFolder();
        string lenet = folder.File("lenet5.ckpt"), mlp = folder.File("mlp.ckpt");
        new ClassifierCheckpoint(Fresh("lenet5"), null).Save(lenet);
        new ClassifierCheckpoint(Fresh("mlp"), null).Save(mlp);

        Assert.Equal("lenet5", LeNetJudge.Load(lenet).Architecture);
        var e = Assert.Throws<InvalidDataException>(() => LeNetJudge.Load(mlp));
        Assert.StartsWith($"{mlp} is a classifier of architecture mlp, not a LeNet-5;", e.Message);
        Assert.Contains("np train lenet5 --data", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_network_named_lenet5_with_other_penultimate_features_is_refused()
    {
        var wide = new ClassifierModel(new Sequential(new Flatten(), new Dense(784, 100), new ReLU(), new Dense(100, 10)), "lenet5", [1, 28, 28],
            Enumerable.Range(0, 10).Select(i => $"{i}").ToArray(), CostKind.LogLikelihood);
        var e = Assert.Throws<ArgumentException>(() => LeNetJudge.Ensure(wide, "judge.ckpt"));
        Assert.StartsWith("judge.ckpt is a lenet5 classifier with 100 penultimate features, not LeNet-5's 84;", e.Message);
        LeNetJudge.Ensure(Fresh("lenet5"), "judge.ckpt");
    }

    [Fact]
    public void The_evaluator_refuses_an_mlp_before_drawing_a_sample()
    {
        var split = new TrainTestSplit("digits", Digits, Digits);
        bool drew = false;
        var e = Assert.Throws<ArgumentException>(() => GeneratorEvaluator.Evaluate(n => { drew = true; return new float[n * 784]; }, Fresh("mlp"), split));
        Assert.False(drew);
        Assert.Contains("a classifier of architecture mlp, not a LeNet-5", e.Message);
        Assert.Throws<ArgumentException>(() => GeneratorEvaluator.EvaluateReal(Fresh("mlp"), split));
    }
}
