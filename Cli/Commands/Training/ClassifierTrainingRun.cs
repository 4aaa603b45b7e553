using NeuralPipelines.Cli.Plots;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Settings;
using NeuralPipelines.Models.Training;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>Runs the trainer for <c>np train</c>: a header line, one line per epoch, a progress bar on a terminal, the
/// checkpoint rewritten after every epoch, the curves PNG and the JSON summary.</summary>
internal static class ClassifierTrainingRun
{
    public static int Run(CliContext context, ClassifierCheckpoint checkpoint, string path, TrainTestSplit split, bool asJson, string? resumedFrom = null, EpochCopies? copies = null)
    {
        var console = context.Console(asJson);
        var (model, state) = (checkpoint.Model, checkpoint.Training!);
        var o = state.Options;
        o.Validate(); // before the header line, so bad options print nothing but the error
        using var keptCopies = copies?.Check(state.CompletedEpochs + 1, o.Epochs, asJson);
        string recipe = model.Metadata.TryGetValue("recipe", out var r) ? $", recipe {r}" : "";
        console.MarkupLineInterpolated($"[bold]np train {model.Architecture}[/]: {model.Network.ParameterCount():N0} parameters, {split.Train.Count} training / {split.Test.Count} test images, cost {SettingNames.Name(model.Cost)}, {SettingNames.Name(o.Optimizer.Kind)} η={o.LearningRate}, batch {o.BatchSize}, {o.Schedule}, epochs {state.CompletedEpochs + 1}..{o.Epochs}{recipe}");

        var perEpoch = new List<double>();
        void PrintEpoch(EpochReport e)
        {
            perEpoch.Add(e.Seconds + e.EvaluationSeconds);
            double eta = perEpoch.Average() * (e.Epochs - e.Epoch);
            console.MarkupLineInterpolated(
                $"epoch {e.Epoch}/{e.Epochs} η={e.LearningRate:G3} cost {e.TrainLoss:F4} train {100 * e.TrainAccuracy:F2}% test {100 * e.TestAccuracy:F2}% {e.Seconds:F1}s {e.ImagesPerSecond:N0} img/s ETA {TimeSpan.FromSeconds(Math.Round(eta)):g}");
        }

        var trainer = new Trainer(model, state);
        var kept = new BestCheckpoint(path, resumedFrom, EpochMerit.Of(state), p => EpochMerit.Of(ClassifierCheckpoint.Load(p).Training));
        var save = kept.Saving(checkpoint.Save, () => EpochMerit.Of(state)!.Value);
        var callbacks = new TrainingCallbacks { Save = copies is null ? save : copies.Keeping(save, () => state.CompletedEpochs), Epoch = new SyncProgress<EpochReport>(PrintEpoch) };
        TrainingResult result = kept.Guard(() =>
            console.Profile.Capabilities.Interactive && !asJson
                ? ProgressBar.Show(console, show => trainer.Fit(split, callbacks with
                {
                    Batch = new SyncProgress<BatchProgress>(b => show($"epoch {b.Epoch}/{b.Epochs}  cost {b.Loss:F4}", (double)b.Batch / b.Batches)),
                }))
                : trainer.Fit(split, callbacks), r => r.StopReason is not null);

        string? plot = null;
        if (result.History.Count > 0)
        {
            plot = TrainingCurvesPlot.PathFor(path);
            TrainingCurvesPlot.Write(plot, result.History, $"{model.Architecture} {SettingNames.Name(model.Cost)}");
        }
        if (result.StopReason is not null) console.MarkupLineInterpolated($"[yellow]{result.StopReason}{(kept.KeptBestText is { } k ? $"; {k}" : "")}[/]");
        console.MarkupLineInterpolated($"test accuracy [bold]{100 * result.TestAccuracy:F2}%[/], {result.TrainSeconds:F1}s training, {result.ImagesPerSecond:N0} images/s; checkpoint {path}{(plot is null ? "" : $", curves {plot}")}");
        if (asJson)
            context.WriteJson(new
            {
                Architecture = model.Architecture,
                Recipe = model.Metadata.GetValueOrDefault("recipe"),
                TestAccuracy = result.TestAccuracy,
                TrainAccuracy = result.TrainAccuracy,
                TestLoss = result.History.Count > 0 ? result.History[^1].TestLoss : double.NaN,
                TrainSeconds = result.TrainSeconds,
                ImagesPerSecond = result.ImagesPerSecond,
                Epochs = state.CompletedEpochs,
                StopReason = result.StopReason,
                BestCheckpoint = kept.KeptBest,
                Checkpoint = path,
                Curves = plot,
                PerEpoch = result.History,
            });
        return 0;
    }
}
