namespace NeuralPipelines.Onnx.Scoring;

/// <summary>ONNX Runtime's native library could not be loaded: the application references no native runtime package.</summary>
/// <remarks>The NeuralPipelines packages reference the managed ONNX Runtime only, so that each application chooses its
/// native build (CPU, or CUDA on Linux or Windows); without one, .NET would raise a bare DllNotFoundException wrapped in
/// a TypeInitializationException from deep inside ONNX Runtime.</remarks>
public sealed class OnnxRuntimeMissingException(Exception cause) : InvalidOperationException(Describe(cause), cause)
{
    /// <summary>The packages an application adds, one of them, to have a native ONNX Runtime.</summary>
    public const string NativePackages =
        "Microsoft.ML.OnnxRuntime (CPU on Windows, macOS and Linux), Microsoft.ML.OnnxRuntime.Gpu.Linux or Microsoft.ML.OnnxRuntime.Gpu.Windows (CUDA)";

    private static string Describe(Exception cause)
    {
        var root = cause;
        while (root.InnerException is not null) root = root.InnerException;
        // The first sentence only: .NET's DllNotFoundException goes on to list every path it tried.
        var reason = root.Message.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";
        int stop = reason.IndexOf(". ", StringComparison.Ordinal);
        if (stop > 0) reason = reason[..stop];
        return $"ONNX Runtime's native library could not be loaded ({reason}). NeuralPipelines references only the managed " +
               $"Microsoft.ML.OnnxRuntime.Managed; add one native runtime package to your application: {NativePackages}.";
    }
}
