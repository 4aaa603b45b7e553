using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.MlNet;

namespace NeuralPipelines.Pipelines.Generative;

/// <summary>Trained generators in ML.NET's catalog: <c>mlContext.Transforms.GenerateImages(model)</c> turns a column of
/// noise vectors into a column of images, and <see cref="Noise"/> makes the noise column, seeded as <c>np sample</c> seeds it.</summary>
public static class GeneratorCatalog
{
    /// <summary>The estimator over a generator's sampler (exported to ONNX and checked against our forward pass).</summary>
    /// <param name="gpuDeviceId">null for the CPU; a CUDA device id asks ML.NET for the GPU with fallback to the CPU.</param>
    public static IEstimator<ITransformer> GenerateImages(this TransformsCatalog catalog, GenerativeModel model,
        string imageColumnName = "Image", string noiseColumnName = "Noise", int? gpuDeviceId = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var sampler = model.Sampler();
        var card = ModelCard.FromGenerator(model);
        var onnx = OnnxExporter.ExportBytes(sampler, card);
        var parity = ExportParity.Check(sampler, card, onnx);
        if (!parity.Passed)
            throw new InvalidOperationException($"The exported {model.Name} sampler differs from the trained generator by {parity.MaxError:g3} (tolerance {ParityReport.Tolerance:g}).");
        return GeneratorEstimators.Create(new MLContext(seed: 0), onnx, noiseColumnName, imageColumnName, gpuDeviceId);
    }

    /// <summary>The estimator over a generator checkpoint written by <c>np train gan|gmmn|gmmn-ae</c>.</summary>
    public static IEstimator<ITransformer> GenerateImages(this TransformsCatalog catalog, string checkpointPath,
        string imageColumnName = "Image", string noiseColumnName = "Noise", int? gpuDeviceId = null) =>
        catalog.GenerateImages(GenerativeCheckpoint.Load(checkpointPath).Model, imageColumnName, noiseColumnName, gpuDeviceId);

    /// <summary>A data view of <paramref name="count"/> noise vectors for <paramref name="model"/>, drawn from
    /// <paramref name="seed"/> exactly as <c>np sample --seed</c> draws them, in a column named <paramref name="columnName"/>.</summary>
    public static IDataView Noise(MLContext ml, GenerativeModel model, int count, int seed, string columnName = "Noise")
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        var z = model.NoiseFor(count, seed);
        var rows = Enumerable.Range(0, count).Select(i => new NoiseRow { Values = z.Span.Slice(i * model.NoiseSize, model.NoiseSize).ToArray() }).ToArray();
        var definition = SchemaDefinition.Create(typeof(NoiseRow));
        definition[0].ColumnName = columnName;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, model.NoiseSize);
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    private sealed class NoiseRow
    {
        public float[] Values { get; set; } = [];
    }
}
