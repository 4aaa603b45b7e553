using NeuralPipelines.Onnx.Batch;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands;

/// <summary>Shows a batch run's <see cref="ScoringProgress"/> as one Spectre progress bar: rows, rows/s and the time left.</summary>
/// <remarks>Like <see cref="DownloadProgressBar"/>, the library reports through <see cref="IProgress{T}"/> and this is the
/// only place it meets Spectre. The bar is drawn only on an interactive terminal: redirected to a file or a CI log, or
/// under --json, a live bar would be noise, and the run's one-line summary says the same at the end.</remarks>
public static class ScoringProgressBar
{
    public static T Run<T>(IAnsiConsole console, bool show, string description, Func<IProgress<ScoringProgress>?, T> work)
    {
        if (!show || !console.Profile.Capabilities.Interactive) return work(null);
        return console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                // Value is the fraction of the input consumed, in thousandths: rows for a folder, bytes for a CSV (whose row
                // count is unknown until its end), so the remaining-time column extrapolates from the same fraction.
                var task = context.AddTask(Markup.Escape(description), autoStart: true, maxValue: 1000);
                return work(new Progress(task, description));
            });
    }

    // Called on the writing thread after each chunk; Spectre's tasks are safe to update from it.
    private sealed class Progress(ProgressTask task, string description) : IProgress<ScoringProgress>
    {
        public void Report(ScoringProgress value)
        {
            task.Value = Math.Clamp(value.Fraction * 1000, 0, 1000);
            var failed = value.Failed > 0 ? $", {value.Failed:N0} skipped" : "";
            task.Description = Markup.Escape($"{description}: {value.Rows:N0} rows, {value.RowsPerSecond:N0} rows/s{failed}");
        }
    }
}
