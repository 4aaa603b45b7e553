using Microsoft.ML;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Integrity;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Pipelines.Generative;

/// <summary>Trained colorizers in ML.NET's catalog: <c>mlContext.Transforms.ColorizeImages("Colorized", "Image", "colorizer.onnx")</c>
/// turns a column of images (<see cref="Microsoft.ML.Data.MLImage"/>, any size) into a column of colorized images of the
/// model's size, through ML.NET's own transformers only, so the fitted chain saves with <c>mlContext.Model.Save</c> and
/// loads in any ML.NET process (see <see cref="ColorizerEstimators"/> for the chain and <see cref="ColorizingGraph"/> for the graph).</summary>
public static class ColorizerCatalog
{
    /// <summary>The estimator over a colorizer file: its ONNX export (<c>np export</c>) or the checkpoint of <c>np train colorize</c>.</summary>
    /// <param name="gpuDeviceId">null for the CPU; a CUDA device id asks ML.NET for the GPU with fallback to the CPU.</param>
    /// <exception cref="InvalidDataException">The file holds something other than a colorizer; the message names the file and what it holds.</exception>
    public static IEstimator<ITransformer> ColorizeImages(this TransformsCatalog catalog, string outputColumnName, string inputColumnName,
        string colorizerPath, int? gpuDeviceId = null)
    {
        ArgumentNullException.ThrowIfNull(colorizerPath);
        if (!File.Exists(colorizerPath)) throw new FileNotFoundException($"{colorizerPath}: no such model file.", colorizerPath);
        // Told apart as np colorize tells them (a checkpoint by its name or its first bytes); an ONNX file is read through
        // OnnxFileBytes, which refuses one past protobuf's 2 GB naming it, and walks a large one before reading it whole.
        if (CheckpointFile.IsMeantAsCheckpoint(colorizerPath))
            return catalog.ColorizeImages(ColorizerCheckpoint.Load(colorizerPath), outputColumnName, inputColumnName, gpuDeviceId);
        return Create(OnnxFileBytes.Read(colorizerPath), colorizerPath, outputColumnName, inputColumnName, gpuDeviceId);
    }

    /// <summary>The estimator over a colorizer's ONNX export held in memory.</summary>
    public static IEstimator<ITransformer> ColorizeImages(this TransformsCatalog catalog, string outputColumnName, string inputColumnName,
        byte[] colorizerOnnx, int? gpuDeviceId = null) =>
        Create(colorizerOnnx, "the colorizer's ONNX bytes", outputColumnName, inputColumnName, gpuDeviceId);

    /// <summary>The estimator over a trained colorizer (exported to ONNX here and checked against its forward pass).</summary>
    public static IEstimator<ITransformer> ColorizeImages(this TransformsCatalog catalog, ColorizerModel model,
        string outputColumnName = "Colorized", string inputColumnName = "Image", int? gpuDeviceId = null) =>
        catalog.ColorizeImages(new ColorizerCheckpoint(model, null), outputColumnName, inputColumnName, gpuDeviceId);

    private static IEstimator<ITransformer> ColorizeImages(this TransformsCatalog catalog, ColorizerCheckpoint checkpoint,
        string outputColumnName, string inputColumnName, int? gpuDeviceId)
    {
        var (network, card) = OnnxColorizer.Exportable(checkpoint);
        var onnx = OnnxExporter.ExportBytes(network, card);
        var parity = ExportParity.Check(network, card, onnx);
        if (!parity.Passed)
            throw new InvalidOperationException($"The exported colorizer differs from the trained one by {parity.MaxError:g3} (tolerance {ParityReport.Tolerance:g}).");
        return Create(onnx, $"the {card.Colorizer!.Size}×{card.Colorizer.Size} colorizer", outputColumnName, inputColumnName, gpuDeviceId);
    }

    private static IEstimator<ITransformer> Create(byte[] colorizerOnnx, string source, string outputColumnName, string inputColumnName, int? gpuDeviceId)
    {
        var (composite, card) = ColorizingGraph.BuildBytes(colorizerOnnx, source);
        return ColorizerEstimators.Create(new MLContext(seed: 0), composite, card.Size, outputColumnName, inputColumnName, gpuDeviceId);
    }
}
