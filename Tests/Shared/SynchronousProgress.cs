namespace NeuralPipelines.Tests;

/// <summary>An IProgress that reports on the calling thread: <c>Progress&lt;T&gt;</c> posts to the thread pool, so a test
/// could read its list before the last report arrived, or cancel one epoch too late.</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
