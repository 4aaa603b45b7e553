using System.Runtime.InteropServices;

namespace NeuralPipelines.Onnx.Tests.Support;

/// <summary>A test about the linux-x64 native files the GPU runtime package ships: skipped, with the reason, on any other
/// platform, where those files are not copied and the test would fail for a reason that is not a defect.</summary>
public sealed class LinuxX64FactAttribute : FactAttribute
{
    public LinuxX64FactAttribute()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            Skip = $"Only linux-x64 gets the GPU package's native runtime; this is {RuntimeInformation.RuntimeIdentifier}.";
    }
}
