using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>How the tests run the trainer: a model and its state, saved to <paramref name="path"/> the way <c>np train</c> saves.</summary>
internal static class TrainingHarness
{
    public static TrainingResult Fit(this ClassifierCheckpoint run, TrainTestSplit data, string? path = null,
        IProgress<EpochReport>? progress = null, CancellationToken cancellation = default) =>
        new Trainer(run.Model, run.Training!).Fit(data, new TrainingCallbacks
        {
            Save = path is null ? null : () => run.Save(path),
            Epoch = progress,
        }, cancellation);

    public static float[] Weights(this ClassifierCheckpoint run) =>
        run.Model.Network.AllParameters().SelectMany(p => p.Value.Span.ToArray()).ToArray();
}
