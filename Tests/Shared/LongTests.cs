namespace NeuralPipelines.Tests;

/// <summary>The opt-in long tier's switch, in one place: NP_LONG_TESTS=1 runs the tests that train for minutes or hours.</summary>
public static class LongTests
{
    public const string Variable = "NP_LONG_TESTS";

    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>Null when the long tier runs; otherwise the reason every long test gives for its skip.</summary>
    public static string? SkipReason => Enabled ? null : $"Long-running: set {Variable}=1 to run.";

    /// <summary><see cref="SkipReason"/>, or when the long tier runs and <paramref name="needsFolder"/> is given but absent,
    /// why the test cannot run here (rather than failing for want of data).</summary>
    public static string? SkipReasonNeeding(string? needsFolder) =>
        SkipReason ?? (needsFolder is not null && !Directory.Exists(needsFolder) ? $"{needsFolder} is not here (the data this test trains on)." : null);
}
