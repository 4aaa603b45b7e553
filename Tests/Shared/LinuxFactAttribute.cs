namespace NeuralPipelines.Tests;

/// <summary>A test of something only Linux has here (FIFOs and character devices as outputs, Unix file modes, signals,
/// /proc): skipped elsewhere with <paramref name="needs"/> as the reason, rather than passing without checking anything.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute(string needs) => Skip = OffLinux(needs);

    /// <summary>The skip reason off Linux, naming what the test <paramref name="needs"/>; null on Linux.</summary>
    public static string? OffLinux(string needs) =>
        OperatingSystem.IsLinux() ? null : $"Needs Linux ({needs}); this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.";
}
