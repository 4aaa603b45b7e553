using Microsoft.ML;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>Runs an ML.NET call that loads ONNX bytes (<c>ApplyOnnxModel</c> over a stream, <c>mlContext.Model.Load</c> of a
/// zip holding an ONNX transformer) again when it fails only because of the temporary file's random name.</summary>
/// <remarks>
/// ML.NET 5 writes the bytes to <c>Path.Combine(TempFilePath, Path.GetRandomFileName())</c>, a random 8.3 name, and ONNX
/// Runtime reads any file whose name ends in <c>.ort</c> as its own ORT format: once in 32,768 loads the extension is
/// <c>.ort</c> and the load fails with "ORT model verification failed" (dotnet/machinelearning#7339). The next attempt
/// draws another name. Forcing the format through ML.NET's environment-wide session options would also work, but ML.NET
/// then ignores every transformer's own GPU device and thread settings, so the retry is the fix that changes nothing else.
/// </remarks>
public static class MlNetOnnxLoads
{
    /// <summary>Three attempts: all three drawing <c>.ort</c> happens once in 3.5·10¹³ loads.</summary>
    public const int Attempts = 3;

    /// <param name="load">Builds its own input each time (a fresh stream, or the file opened again): a failed attempt has consumed the last one.</param>
    public static T Run<T>(Func<T> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        for (var attempt = 1; ; attempt++)
        {
            try { return load(); }
            catch (Exception e) when (attempt < Attempts && IsTemporaryNameMisread(e)) { }
        }
    }

    /// <summary><c>mlContext.Model.Load(path, out inputSchema)</c> through <see cref="Run"/>: the file is opened again for
    /// each attempt.</summary>
    public static ITransformer LoadModel(MLContext ml, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(ml);
        (var model, inputSchema) = Run(() => (ml.Model.Load(path, out var schema), schema));
        return model;
    }

    /// <summary>True when ONNX Runtime, somewhere in <paramref name="e"/>'s chain, refused a file as a malformed ORT-format model.</summary>
    public static bool IsTemporaryNameMisread(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x.Message.Contains("ORT model verification failed", StringComparison.Ordinal)) return true;
        return false;
    }
}
