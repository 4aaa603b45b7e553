using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Onnx.Tests;

/// <summary>The wording of a missing native runtime. The real absence (an app referencing only our packages) is proven
/// from the outside by Packages.Tests; here the runtime is present.</summary>
public sealed class OnnxRuntimeNativeTests
{
    [Fact]
    public void This_build_loads_the_native_runtime()
    {
        OnnxRuntimeNative.EnsureLoaded();
        Assert.Null(OnnxRuntimeNative.Probe(() => Microsoft.ML.OnnxRuntime.OrtEnv.Instance()));
    }

    [Fact]
    public void A_library_that_cannot_be_loaded_becomes_one_sentence_naming_the_packages_to_add()
    {
        var missing = OnnxRuntimeNative.Probe(() => throw new TypeInitializationException("Microsoft.ML.OnnxRuntime.NativeMethods",
            new DllNotFoundException("Unable to load shared library 'onnxruntime' or one of its dependencies.\nmore detail")));
        Assert.NotNull(missing);
        Assert.Contains("Unable to load shared library 'onnxruntime'", missing.Message);
        Assert.DoesNotContain("more detail", missing.Message);
        foreach (var package in new[] { "Microsoft.ML.OnnxRuntime ", "Microsoft.ML.OnnxRuntime.Gpu.Linux", "Microsoft.ML.OnnxRuntime.Gpu.Windows" })
            Assert.Contains(package, missing.Message);
        Assert.IsType<TypeInitializationException>(missing.InnerException);
    }

    [Fact]
    public void Any_other_failure_is_not_reworded()
    {
        Assert.Throws<InvalidDataException>(() => OnnxRuntimeNative.Probe(() => throw new InvalidDataException("bad model")));
        Assert.Throws<TypeInitializationException>(() => OnnxRuntimeNative.Probe(() =>
            throw new TypeInitializationException("T", new InvalidOperationException("not a library problem"))));
    }
}
