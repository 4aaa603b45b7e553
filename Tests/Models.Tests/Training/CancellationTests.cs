using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>A cancelled <see cref="Trainer.Fit"/> stops after the mini-batch in progress, not at the end of the epoch
/// (audit O3: 120 more batches and a test-set evaluation ran after the token was cancelled).</summary>
public class CancellationTests
{
    [Fact]
    public void Cancelling_mid_epoch_stops_after_the_batch_in_progress()
    {
        var data = MnistTrainingTests.Mnist.Value with
        {
            Train = MnistTrainingTests.Mnist.Value.Train.Take(640),
            Test = MnistTrainingTests.Mnist.Value.Test.Take(50),
        };
        var run = MnistTrainingTests.NewMlp(new MlpOptions([784, 16, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood),
            new TrainerOptions { Epochs = 2, BatchSize = 32, LearningRate = 0.05f, EvaluateTrainingSet = false });
        using var stop = new CancellationTokenSource();
        int batchesAfterCancel = 0;
        var callbacks = new TrainingCallbacks
        {
            Batch = new SynchronousProgress<BatchProgress>(p =>
            {
                if (stop.IsCancellationRequested) batchesAfterCancel++;
                if (p.Batch == 3) stop.Cancel();
            }),
        };

        Assert.Throws<OperationCanceledException>(() => new Trainer(run.Model, run.Training!).Fit(data, callbacks, stop.Token));
        Assert.Equal(0, batchesAfterCancel);
        Assert.Equal(0, run.Training!.CompletedEpochs);
    }

    /// <summary>A token cancelled during an epoch's last mini-batch stops the run before the epoch's evaluation: the trainer
    /// went on to score the whole test split (and, with EvaluateTrainingSet, the training set: tens of seconds for a zoo
    /// network), saved the epoch and reported it, and a last epoch returned as if never cancelled.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Cancelling_in_the_last_batch_skips_the_epochs_evaluation_and_save(int epochs)
    {
        var data = MnistTrainingTests.Mnist.Value with
        {
            Train = MnistTrainingTests.Mnist.Value.Train.Take(128),
            Test = MnistTrainingTests.Mnist.Value.Test.Take(50),
        };
        var run = MnistTrainingTests.NewMlp(new MlpOptions([784, 16, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood),
            new TrainerOptions { Epochs = epochs, BatchSize = 32, LearningRate = 0.05f, EvaluateTrainingSet = true });
        using var stop = new CancellationTokenSource();
        int saves = 0, reports = 0;
        var callbacks = new TrainingCallbacks
        {
            Batch = new SynchronousProgress<BatchProgress>(p => { if (p.Batch == p.Batches) stop.Cancel(); }),
            Save = () => saves++,
            Epoch = new SynchronousProgress<EpochReport>(_ => reports++),
        };

        Assert.Throws<OperationCanceledException>(() => new Trainer(run.Model, run.Training!).Fit(data, callbacks, stop.Token));
        Assert.Equal(0, saves);
        Assert.Equal(0, reports);
        Assert.Equal(0, run.Training!.CompletedEpochs);
    }
}
