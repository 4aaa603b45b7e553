using NeuralPipelines.Data.Plotting;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>Draws the per-epoch loss and accuracy curves of a training run into one PNG.</summary>
internal static class TrainingCurves
{
    /// <summary>The PNG's path beside the checkpoint: mlp.ckpt → mlp.curves.png.</summary>
    public static string PathFor(string checkpointPath) => Path.ChangeExtension(checkpointPath, ".curves.png");

    public static void Write(string path, IReadOnlyList<EpochReport> history, string title)
    {
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        var loss = new LinePlot { Title = title + " - COST", XLabel = "EPOCH", YLabel = "COST", MinXStep = 1 };
        loss.Add("TRAIN", epochs, history.Select(h => h.TrainLoss).ToArray(), PlotColors.Blue);
        loss.Add("TEST", epochs, history.Select(h => h.TestLoss).ToArray(), PlotColors.Orange);
        var accuracy = new LinePlot { Title = title + " - ACCURACY %", XLabel = "EPOCH", YLabel = "%", MinXStep = 1, LegendBottom = true };
        accuracy.Add("TRAIN", epochs, history.Select(h => 100 * h.TrainAccuracy).ToArray(), PlotColors.Blue);
        accuracy.Add("TEST", epochs, history.Select(h => 100 * h.TestAccuracy).ToArray(), PlotColors.Orange);
        PlotImage.WritePng(path, [loss, accuracy]);
    }
}
