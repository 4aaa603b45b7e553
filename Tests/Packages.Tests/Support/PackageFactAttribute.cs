using NeuralPipelines.Tests;

namespace NeuralPipelines.Packages.Tests.Support;

/// <summary>A test that packs and builds whole apps (about two minutes on two busy cores): it runs in CI (CI=true, as
/// .ci/run is started) and when NP_PACKAGE_TESTS=1 or NP_LONG_TESTS=1, and is skipped in a developer's plain
/// <c>dotnet test</c>, which stays short.</summary>
public sealed class PackageFactAttribute : FactAttribute
{
    public PackageFactAttribute()
    {
        static bool On(string name, string value) => string.Equals(Environment.GetEnvironmentVariable(name), value, StringComparison.OrdinalIgnoreCase);
        if (!(On("CI", "true") || On("NP_PACKAGE_TESTS", "1") || LongTests.Enabled))
            Skip = "Packs the libraries and builds consumer apps (about two minutes): runs in CI, or set NP_PACKAGE_TESTS=1.";
    }
}
