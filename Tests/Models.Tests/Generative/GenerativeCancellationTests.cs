using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Tests.Training;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>A cancelled generative or colorizer run stops after the mini-batch in progress, as <see cref="Models.Training.Trainer"/>
/// does: both loops looked at the token only between epochs, so a host that cancelled waited out the epoch (minutes for a
/// colorizer on photos), and a one-epoch run ignored the token altogether and returned as if it had not been cancelled.</summary>
public class GenerativeCancellationTests
{
    [Fact]
    public void A_colorizer_run_cancelled_mid_epoch_stops_after_the_batch_in_progress()
    {
        var state = new ColorizerTrainingState { Options = Pix2PixTrainingTests.Tiny(ColorizerLoss.L1Gan, 1) with { BatchSize = 2 } };
        var model = ColorizerModel.Create(state.Options);
        using var stop = new CancellationTokenSource();
        int after = 0, saves = 0;
        var callbacks = new ColorizerCallbacks
        {
            Save = () => saves++,
            Batch = new SynchronousProgress<ColorizerBatchProgress>(p =>
            {
                if (stop.IsCancellationRequested) after++;
                if (p.Batch == 2) stop.Cancel();
            }),
        };

        Assert.Throws<OperationCanceledException>(() => new ColorizerTrainer(model, state).Fit(Pix2PixTrainingTests.Photos.Value, callbacks, stop.Token));
        Assert.Equal(0, after);
        Assert.Equal(0, saves);
        Assert.Equal(0, state.CompletedEpochs);
    }

    [Theory]
    [InlineData(GenerativeKind.Gan)]
    [InlineData(GenerativeKind.Gmmn)]
    [InlineData(GenerativeKind.GmmnAe)]
    public void A_generative_run_cancelled_mid_epoch_stops_after_the_batch_in_progress(GenerativeKind kind)
    {
        var images = MnistTrainingTests.Mnist.Value.Train.Take(64);
        var options = GenerativeOptions.For(kind) with { Epochs = 1, BatchSize = 8, AutoencoderBatchSize = 8, Seed = 3 };
        var (model, state) = GenerativeSetup.Start(kind, images, options);
        using var stop = new CancellationTokenSource();
        int after = 0, saves = 0;
        var callbacks = new GenerativeCallbacks
        {
            Save = () => saves++,
            Batch = new SynchronousProgress<GenerativeBatchProgress>(p =>
            {
                if (stop.IsCancellationRequested) after++;
                if (p.Batch == 2) stop.Cancel();
            }),
        };

        Assert.Throws<OperationCanceledException>(() => new GenerativeTrainer(model, state).Fit(images, callbacks, stop.Token));
        Assert.Equal(0, after);
        Assert.Equal(0, saves);
        Assert.Equal(0, state.CompletedEpochs);
    }
}
