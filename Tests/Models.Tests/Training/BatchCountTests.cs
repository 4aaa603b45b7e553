using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Zoo;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>A batch larger than the training set is one batch of all of it, however large the number given.</summary>
public sealed class BatchCountTests
{
    [Theory]
    [InlineData(0, 5, 0)]
    [InlineData(10, 5, 2)]
    [InlineData(11, 5, 3)]
    [InlineData(300, int.MaxValue, 1)]
    [InlineData(int.MaxValue, int.MaxValue, 1)]
    [InlineData(int.MaxValue, 1, int.MaxValue)]
    public void Counts_the_batches_of_an_epoch_without_overflowing(int items, int batchSize, int expected) =>
        Assert.Equal(expected, BatchCount.Of(items, batchSize));

    /// <summary>Audit L1: --batch-size 2147483647 overflowed the batch count, so the epoch trained no step and the untrained
    /// network was saved as trained ("300,000,000,000 img/s").</summary>
    [Fact]
    public void A_batch_size_of_int_MaxValue_trains_the_same_one_batch_as_the_training_sets_size()
    {
        var data = MnistTrainingTests.Mnist.Value with
        {
            Train = MnistTrainingTests.Mnist.Value.Train.Take(300),
            Test = MnistTrainingTests.Mnist.Value.Test.Take(100),
        };
        float[] Train(int batchSize)
        {
            var run = MnistTrainingTests.NewMlp(new MlpOptions([784, 16, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood),
                new TrainerOptions { Epochs = 1, BatchSize = batchSize, LearningRate = 0.1f, EvaluateTrainingSet = false });
            float[] before = run.Weights();
            run.Fit(data);
            Assert.Equal(1, run.Training!.Optimizer!.Steps);
            Assert.NotEqual(before, run.Weights());
            return run.Weights();
        }
        Assert.Equal(Train(300), Train(int.MaxValue));
    }
}
