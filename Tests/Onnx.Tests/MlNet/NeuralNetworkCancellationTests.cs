using Microsoft.ML;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Onnx.Tests.Support;
using NeuralPipelines.Pipelines.Neural;

namespace NeuralPipelines.Onnx.Tests.MlNet;

/// <summary>The ML.NET estimator's training can be cancelled: ML.NET's Fit takes no token, and the estimator gave our
/// trainer none, so a host (a web app retraining on request, a job being shut down) had no way to stop a zoo network's
/// minutes of epochs but to wait them out. <see cref="NeuralNetworkOptions.Cancellation"/> reaches the trainer, which stops
/// after the mini-batch in progress.</summary>
public sealed class NeuralNetworkCancellationTests
{
    [Fact]
    public void A_cancelled_token_stops_fit_after_the_batch_in_progress()
    {
        var ml = new MLContext(1);
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(IrisFlowers.All()))
            .Transform(ml.Data.LoadFromEnumerable(IrisFlowers.All()));
        using var stop = new CancellationTokenSource();
        int epochs = 0;
        var trainer = ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkOptions
        {
            HiddenLayers = [8], Epochs = 100_000, BatchSize = 10, Seed = 5,
            Progress = new SynchronousProgress<EpochReport>(_ => { epochs++; stop.Cancel(); }),
            Cancellation = stop.Token,
        });

        Assert.Throws<OperationCanceledException>(() => trainer.Fit(data));
        Assert.Equal(1, epochs);
    }
}
