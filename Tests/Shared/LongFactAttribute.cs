namespace NeuralPipelines.Tests;

/// <summary>A test that trains for minutes: skipped unless NP_LONG_TESTS=1, so the default <c>dotnet test</c> stays short.
/// With <paramref name="needsFolder"/>, also skipped (and said so) where that data folder is absent.</summary>
public sealed class LongFactAttribute : FactAttribute
{
    public LongFactAttribute(string? needsFolder = null) => Skip = LongTests.SkipReasonNeeding(needsFolder);
}
