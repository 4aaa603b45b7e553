using System.Globalization;

namespace NeuralPipelines.Cli;

/// <summary>np reads and writes numbers in the invariant culture, whatever the user's locale.</summary>
/// <remarks>Why: np is built invariant, but DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=false (common in containers with ICU) gave
/// it the locale's culture, and System.CommandLine parses option values with it: under de-DE `--lambda 0.5` was read as 5
/// (a different model, silently) and the text reports printed "0,61 s". The docs, the examples and every file np writes
/// use "0.5".</remarks>
internal static class NumberCulture
{
    /// <summary>Makes the invariant culture the current one (and every new thread's) until the result is disposed.</summary>
    public static IDisposable UseInvariant()
    {
        var (culture, ui, threadDefault) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture, CultureInfo.DefaultThreadCurrentCulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        // Threads that do not inherit this context (a pool thread started by a native callback) start in this culture too.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        return new Restore(() =>
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, ui);
            CultureInfo.DefaultThreadCurrentCulture = threadDefault;
        });
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
