using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Cli.Plots;

/// <summary>The curves of a training run: cost and accuracy on the training and test sets, per epoch, side by side.</summary>
public static class TrainingCurvesPlot
{
    /// <summary>The PNG's path beside the checkpoint: mlp.ckpt → mlp.curves.png.</summary>
    public static string PathFor(string checkpointPath) => Path.ChangeExtension(checkpointPath, ".curves.png");

    /// <summary>The two panels, titled with <paramref name="title"/> (the architecture and the cost, e.g. "lenet5 cross-entropy").</summary>
    public static IReadOnlyList<LinePanel> Panels(IReadOnlyList<EpochReport> history, string title)
    {
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        PlotSeries Series(string name, Func<EpochReport, double> value) => new(name, epochs, history.Select(value).ToArray());
        return
        [
            new LinePanel($"{title}: cost", "epoch", "cost", [Series("train", h => h.TrainLoss), Series("test", h => h.TestLoss)]),
            new LinePanel($"{title}: accuracy", "epoch", "accuracy (%)",
                [Series("train", h => 100 * h.TrainAccuracy), Series("test", h => 100 * h.TestAccuracy)], LegendLowerRight: true),
        ];
    }

    public static void Write(string path, IReadOnlyList<EpochReport> history, string title) => LinePlotPng.Write(path, Panels(history, title));
}
