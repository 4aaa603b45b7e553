using NeuralPipelines.Models.Training;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>A one-line progress bar for a training loop on an interactive terminal, fed by its per-batch reports.</summary>
internal static class ProgressBar
{
    public static T Show<T>(IAnsiConsole console, Func<IProgress<BatchProgress>, T> run)
    {
        T result = default!;
        console.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: 1);
                var throttle = System.Diagnostics.Stopwatch.StartNew();
                result = run(new SyncProgress<BatchProgress>(b =>
                {
                    // Redrawing per batch would cost more than a small network's step: update ten times a second.
                    if (b.Batch != b.Batches && throttle.ElapsedMilliseconds < 100) return;
                    throttle.Restart();
                    task.Description = $"epoch {b.Epoch}/{b.Epochs}  cost {b.Loss:F4}";
                    task.Value = (double)b.Batch / b.Batches;
                }));
            });
        return result;
    }
}
