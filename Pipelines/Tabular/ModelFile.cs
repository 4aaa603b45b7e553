using Microsoft.ML;
using NeuralPipelines.Data.IO;
using Microsoft.ML.Transforms.Onnx;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.MlNet;

namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>Saves and loads fitted pipelines as ML.NET model zips (<c>mlContext.Model.Save/Load</c>), atomically,
/// with one clear error for a file that is not a model.</summary>
public static class ModelFile
{
    /// <param name="card">Kept inside the zip (<see cref="MlNetZip.CardEntry"/>) for <c>SavedModel</c> to read; ML.NET ignores it.</param>
    public static void Save(MLContext ml, ITransformer model, DataViewSchema inputSchema, string path, ModelCard? card = null) =>
        MlNetZip.Save(ml, model, inputSchema, path, card);

    public static ITransformer Load(MLContext ml, string path, out DataViewSchema inputSchema)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file.", path);
        // ML.NET finds a saved transformer's loader among registered assemblies; in a fresh process the ONNX
        // transformer's assembly may not be loaded yet, so register it before reading a model that may contain one.
        ml.ComponentCatalog.RegisterAssembly(typeof(OnnxTransformer).Assembly);
        // Every entry against its CRC-32 first: ML.NET would load a flipped weight without a word.
        ZipIntegrity.Verify(path, "an ML.NET model file");
        try
        {
            return MlNetOnnxLoads.LoadModel(ml, path, out inputSchema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: not an ML.NET model file ({Flatten(e)}).", e);
        }
    }

    private static string Flatten(Exception e)
    {
        while (e.InnerException is not null && e.Message.Length < 10) e = e.InnerException;
        return e.Message.ReplaceLineEndings(" ").TrimEnd('.');
    }
}
