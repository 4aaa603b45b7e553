namespace NeuralPipelines.Tests;

/// <summary>A test of something only Linux has here (FIFOs and character devices as outputs, Unix file modes, signals,
/// /proc): skipped elsewhere with <paramref name="needs"/> as the reason, rather than passing without checking anything.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute(string needs)
    {
        if (!OperatingSystem.IsLinux()) Skip = $"Needs Linux ({needs}); this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.";
    }
}
