namespace NeuralPipelines.Tests;

/// <summary>A theory whose every row trains for minutes: skipped unless NP_LONG_TESTS=1. With
/// <paramref name="needsSystemFashionMnist"/>, also skipped (and said so) where Debian's Fashion-MNIST is not installed,
/// and with <paramref name="needsFolder"/> where that data folder is absent, rather than failing for want of data.</summary>
public sealed class LongTheoryAttribute : TheoryAttribute
{
    public LongTheoryAttribute(bool needsSystemFashionMnist = false, string? needsFolder = null)
    {
        Skip = LongTests.SkipReason;
        if (Skip is null && needsSystemFashionMnist && !SystemFashionMnistFactAttribute.Installed)
            Skip = $"{SystemFashionMnistFactAttribute.Folder} is not installed (apt-get install dataset-fashion-mnist).";
        Skip ??= LongTests.SkipReasonNeeding(needsFolder);
    }
}
