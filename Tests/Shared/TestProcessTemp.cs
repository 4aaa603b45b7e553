using System.Runtime.CompilerServices;

namespace NeuralPipelines.Tests;

/// <summary>Each test process gets a temp folder of its own (TMPDIR), deleted when it exits: ML.NET leaves a copy of every
/// ONNX model it loads from bytes in the temp folder (docs/RELIABILITY.md), and the tests load hundreds of models with
/// contexts of their own, as users do.</summary>
internal static class TestProcessTemp
{
    [ModuleInitializer]
    internal static void Enter()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var folder = Directory.CreateTempSubdirectory($"np-test-{Environment.ProcessId}-").FullName;
        Environment.SetEnvironmentVariable("TMPDIR", folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        };
    }
}
