namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>An <see cref="IProgress{T}"/> that calls back on the training thread at once (Progress&lt;T&gt; would post to a
/// thread pool and reorder the lines).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
