using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>A one-line progress bar for a training loop on an interactive terminal: the loop reports a description
/// ("epoch 3/10  cost 0.1234") and the fraction of the epoch done after each batch.</summary>
internal static class ProgressBar
{
    public static T Show<T>(IAnsiConsole console, Func<Action<string, double>, T> run)
    {
        T result = default!;
        console.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: 1);
                var throttle = System.Diagnostics.Stopwatch.StartNew();
                result = run((description, fraction) =>
                {
                    // Redrawing per batch would cost more than a small network's step: update ten times a second.
                    if (fraction < 1 && throttle.ElapsedMilliseconds < 100) return;
                    throttle.Restart();
                    task.Description = description;
                    task.Value = fraction;
                });
            });
        return result;
    }
}
