using Microsoft.ML;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>An <see cref="MLContext"/> whose temporary files live in a folder of its own, deleted when this is disposed.</summary>
/// <remarks>
/// ML.NET 5 writes the ONNX model of every transformer it loads from bytes (a saved zip, <c>ApplyOnnxModel</c> over a
/// stream) to a randomly named file in <c>MLContext.TempFilePath</c>. Disposing the transformer closes that file but does
/// not delete it, and saving the transformer reads it again by path, so a process that loads a model zip leaves a copy of
/// the model in the temp folder for good. The copies can go only once nothing made with the context is used any more:
/// dispose this after the transformers. (ONNX Runtime holds its own copy of each model, so a session that outlives the
/// folder still scores.)
/// </remarks>
public sealed class ScopedMLContext : IDisposable
{
    private readonly string _folder;

    public ScopedMLContext(int? seed = null)
    {
        // The temp folder itself may have gone (np's process scratch folder removed from outside): made again if so.
        Directory.CreateDirectory(Path.GetTempPath());
        _folder = Directory.CreateTempSubdirectory("np-mlnet-").FullName;
        Context = new MLContext(seed) { TempFilePath = _folder };
    }

    public MLContext Context { get; }

    /// <summary>What <paramref name="create"/> builds with <paramref name="ml"/>; or, when none is given (a catalog's trainer,
    /// whose context ML.NET keeps internal), with a new scoped context that the result is handed to own and dispose after
    /// itself (disposed here if <paramref name="create"/> throws).</summary>
    public static T UseOrOwn<T>(MLContext? ml, int? seed, Func<MLContext, ScopedMLContext?, T> create)
    {
        if (ml is not null) return create(ml, null);
        var scope = new ScopedMLContext(seed);
        try { return create(scope.Context, scope); }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    public void Dispose() => TempFiles.TryDeleteFolder(_folder);
}
