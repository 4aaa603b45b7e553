using Microsoft.ML.OnnxRuntime;

namespace NeuralPipelines.Onnx.Scoring;

/// <summary>Loads ONNX Runtime's native library once, before our code first needs it, and turns its absence into an
/// <see cref="OnnxRuntimeMissingException"/> that names the package to add.</summary>
public static class OnnxRuntimeNative
{
    private static readonly Lazy<OnnxRuntimeMissingException?> Failure = new(() => Probe(() => OrtEnv.Instance()));

    /// <summary>Returns when the native runtime is there; otherwise throws <see cref="OnnxRuntimeMissingException"/>
    /// (the same one every time: a failed load is not retried, as .NET would not retry the type initializer either).</summary>
    public static void EnsureLoaded()
    {
        if (Failure.Value is { } missing) throw missing;
    }

    /// <summary>Runs <paramref name="load"/>; a failure to find or bind the native library becomes the exception to throw
    /// (null when it loaded). Any other failure is not ours to reword and propagates.</summary>
    public static OnnxRuntimeMissingException? Probe(Action load)
    {
        try
        {
            load();
            return null;
        }
        catch (Exception e) when (IsMissingLibrary(e))
        {
            return new OnnxRuntimeMissingException(e);
        }
    }

    private static bool IsMissingLibrary(Exception e) => e switch
    {
        DllNotFoundException or EntryPointNotFoundException or BadImageFormatException => true,
        TypeInitializationException { InnerException: { } inner } => IsMissingLibrary(inner),
        _ => false,
    };
}
