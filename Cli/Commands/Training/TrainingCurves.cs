using NeuralPipelines.Cli.Plots;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>Where <c>np train</c> puts its curves and how it draws them (<see cref="TrainingCurvesPlot"/>).</summary>
internal static class TrainingCurves
{
    /// <summary>The PNG's path beside the checkpoint: mlp.ckpt → mlp.curves.png.</summary>
    public static string PathFor(string checkpointPath) => TrainingCurvesPlot.PathFor(checkpointPath);

    /// <summary>The caller still upper-cases the title, which the old pixel font needed; architecture and cost names are
    /// lower-case words ("lenet5", "cross-entropy"), so they are given back their own spelling here.</summary>
    public static void Write(string path, IReadOnlyList<EpochReport> history, string title) =>
        TrainingCurvesPlot.Write(path, history, title.ToLowerInvariant());
}
