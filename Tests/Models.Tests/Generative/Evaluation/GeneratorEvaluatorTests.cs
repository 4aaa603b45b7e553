using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Generative.Evaluation;
using NeuralPipelines.Models.Tests.Training;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Training.Recipes;

namespace NeuralPipelines.Models.Tests.Generative.Evaluation;

/// <summary>The whole evaluation on real digits, with a LeNet-5 trained for two epochs on them: real training images score
/// better than planted bad generators on every measure (blank images; one digit repeated), and the class shares see the
/// collapse onto one digit.</summary>
public class GeneratorEvaluatorTests
{
    private static readonly GeneratorEvaluationSizes Small = new() { MmdSamples = 300, Samples = 600, ValidationImages = 200 };

    private static readonly Lazy<(TrainTestSplit Split, ClassifierModel LeNet)> Setup = new(() =>
    {
        var mnist = MnistTrainingTests.Mnist.Value;
        var split = mnist with { Train = mnist.Train.Take(2000), Test = mnist.Test.Take(300) };
        var (model, state) = ClassifierSetup.Start("lenet5", split.Train, TrainingRecipes.LeNet5Mnist, new TrainingChoices { Epochs = 2 });
        new Trainer(model, state).Fit(split);
        return (split, model);
    });

    [Fact]
    public void Real_images_beat_blank_and_single_digit_generators_on_every_measure()
    {
        var (split, lenet) = Setup.Value;
        int d = split.Train.ImageLength;
        var real = GeneratorEvaluator.EvaluateReal(lenet, split, Small);
        var blank = GeneratorEvaluator.Evaluate(n => new float[n * d], lenet, split, Small);
        var one = split.Train.Image(0).ToArray();
        var repeated = GeneratorEvaluator.Evaluate(n => Enumerable.Repeat(one, n).SelectMany(x => x).ToArray(), lenet, split, Small);

        Assert.Equal((600, 300, 300, 200), (real.Samples, real.MmdSamples, real.TestImages, real.ValidationImages));
        Assert.Equal(10, real.ClassesPresent);
        Assert.NotNull(real.MostToLeast);
        Assert.True(real.MeanConfidence > 0.6, $"real confidence {real.MeanConfidence}");
        Assert.Equal(1.0, real.ClassShares.Sum(), 1e-9);
        // Per class: every class is drawn, and the classes' confidences weighted by their shares make up the mean.
        Assert.All(real.ClassConfidence, c => Assert.InRange(c!.Value, 0.1, 1.0));
        Assert.Equal(real.MeanConfidence, real.ClassShares.Zip(real.ClassConfidence, (share, c) => share * c!.Value).Sum(), 1e-9);
        foreach (var bad in new[] { blank, repeated })
        {
            Assert.Equal(1, bad.ClassesPresent);
            Assert.Equal(bad.MeanConfidence, Assert.Single(bad.ClassConfidence, c => c is not null)!.Value, 1e-9);
            Assert.Null(bad.MostToLeast);
            Assert.True(bad.Mmd2 > 10 * real.Mmd2, $"MMD² {bad.Mmd2} vs real {real.Mmd2}");
            Assert.True(bad.LenetFid > 5 * real.LenetFid, $"FID {bad.LenetFid} vs real {real.LenetFid}");
            Assert.True(bad.ParzenLogLikelihood < real.ParzenLogLikelihood - 50, $"Parzen {bad.ParzenLogLikelihood} vs real {real.ParzenLogLikelihood}");
        }
    }
}
