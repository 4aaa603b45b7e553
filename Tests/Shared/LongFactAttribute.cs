namespace NeuralPipelines.Tests;

/// <summary>A test that trains for minutes: skipped unless NP_LONG_TESTS=1, so the default <c>dotnet test</c> stays short.</summary>
public sealed class LongFactAttribute : FactAttribute
{
    public LongFactAttribute() => Skip = LongTests.SkipReason;
}
