using System.Text.Json;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests;

/// <summary>The native ONNX Runtime comes from the GPU package only: with the CPU package beside it, its library
/// would win the file copy silently and the CUDA provider would then fail to load.</summary>
public sealed class RuntimePackageTests
{
    private static string Output => AppContext.BaseDirectory;

    [LinuxX64Fact]
    public void The_build_output_has_the_gpu_packages_native_runtime()
    {
        var native = Path.Combine(Output, "runtimes", "linux-x64", "native");
        Assert.True(File.Exists(Path.Combine(native, "libonnxruntime.so")), $"{native} has no libonnxruntime.so");
        // Only the GPU package ships the CUDA provider next to the runtime.
        Assert.True(File.Exists(Path.Combine(native, "libonnxruntime_providers_cuda.so")), $"{native} has no libonnxruntime_providers_cuda.so");
    }

    [Fact]
    public void The_dependency_graph_names_the_gpu_package_and_never_the_cpu_package()
    {
        var deps = Directory.GetFiles(Output, "*.deps.json").Single(f => Path.GetFileName(f).StartsWith("NeuralPipelines.Onnx.Tests", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(File.ReadAllText(deps));
        var libraries = doc.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name.Split('/')[0]).ToArray();
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", libraries);
        Assert.DoesNotContain("Microsoft.ML.OnnxRuntime", libraries);
        Assert.DoesNotContain("Microsoft.ML.OnnxRuntime.Gpu", libraries);
    }

    [LinuxX64Fact]
    public void The_runtime_library_is_byte_for_byte_the_gpu_packages()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var package = Path.Combine(root, "microsoft.ml.onnxruntime.gpu.linux", "1.31.0", "runtimes", "linux-x64", "native", "libonnxruntime.so");
        var ours = Path.Combine(Output, "runtimes", "linux-x64", "native", "libonnxruntime.so");
        Assert.True(File.Exists(package), $"the package cache has no {package}");
        Assert.Equal(new FileInfo(package).Length, new FileInfo(ours).Length);
        Assert.True(File.ReadAllBytes(package).AsSpan().SequenceEqual(File.ReadAllBytes(ours)), $"{ours} differs from {package}");
    }
}
