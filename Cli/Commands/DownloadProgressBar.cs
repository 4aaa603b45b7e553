using NeuralPipelines.Data.Download;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands;

/// <summary>Shows a <see cref="FileDownloader"/>'s progress as Spectre progress bars, one per file.</summary>
/// <remarks>The Data library reports through <see cref="IProgress{T}"/> and knows nothing of Spectre; this adapter is
/// the only place the two meet. Reports arrive on the downloading thread; Spectre's tasks are safe to update from it.</remarks>
public static class DownloadProgressBar
{
    public static T Run<T>(IAnsiConsole console, Func<IProgress<DownloadProgress>, T> work)
    {
        // Redirected to a file or a CI log, a live bar would draw nothing useful: write one line per finished file instead.
        if (!console.Profile.Capabilities.Interactive) return work(new LinePerFile(console));
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(context => work(new Sink(context)));
    }

    private sealed class LinePerFile(IAnsiConsole console) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            if (value.Completed)
                console.MarkupLine($"[[{value.FileIndex + 1}/{value.FileCount}]] {Markup.Escape(value.FileName)}: {value.BytesReceived:N0} bytes, verified");
        }
    }

    private sealed class Sink(ProgressContext context) : IProgress<DownloadProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];

        public void Report(DownloadProgress value)
        {
            lock (_tasks)
            {
                if (!_tasks.TryGetValue(value.FileName, out var task))
                {
                    task = context.AddTask(Markup.Escape(value.FileName), autoStart: true, maxValue: Math.Max(1, value.TotalBytes ?? 1));
                    task.IsIndeterminate = value.TotalBytes is null && !value.Completed;
                    _tasks[value.FileName] = task;
                }
                if (value.TotalBytes is long total && total > 0) task.MaxValue = total;
                task.Value = Math.Min(value.BytesReceived, task.MaxValue);
                if (value.Completed)
                {
                    task.IsIndeterminate = false;
                    task.MaxValue = Math.Max(1, value.BytesReceived);
                    task.Value = task.MaxValue;
                    task.StopTask();
                }
            }
        }
    }
}
