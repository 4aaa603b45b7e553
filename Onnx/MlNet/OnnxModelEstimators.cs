using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>Builds the ML.NET pipeline that scores an exported NeuralPipelines ONNX model, out of ML.NET's own transformers.</summary>
/// <remarks>
/// ML.NET cannot save a transformer written outside ML.NET (its save context is internal), but it saves its own
/// ONNX transformer together with the model bytes. So the pipeline is: copy the feature column to the graph's input name,
/// apply the ONNX model, copy its outputs to <see cref="OnnxModelColumns"/> and drop the intermediate columns.
/// <c>mlContext.Model.Save</c> then writes a zip that any ML.NET process loads and scores without this library.
/// </remarks>
public static class OnnxModelEstimators
{
    /// <param name="gpuDeviceId">ML.NET's own choice of device: null for the CPU; a device id asks for CUDA with fallback to the CPU.</param>
    public static IEstimator<ITransformer> Create(MLContext ml, byte[] onnx, string featureColumn, int? gpuDeviceId = null)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        Scoring.OnnxRuntimeNative.EnsureLoaded();
        const string input = ModelCard.InputName;
        // The ONNX transformer matches columns to graph inputs by name, so the features are staged under "input"
        // (a column of the user's that already has that name is replaced in the output).
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        if (featureColumn != input)
            chain = chain.Append(ml.Transforms.CopyColumns(input, featureColumn));
        chain = chain
            .Append(ml.Transforms.ApplyOnnxModel(
                [ModelCard.ProbabilitiesName, ModelCard.PredictedClassName], [input], new MemoryStream(onnx, writable: false),
                gpuDeviceId, fallbackToCpu: true))
            .Append(ml.Transforms.CopyColumns(OnnxModelColumns.Score, ModelCard.ProbabilitiesName))
            .Append(ml.Transforms.CopyColumns(OnnxModelColumns.PredictedClass, ModelCard.PredictedClassName));
        var drop = featureColumn == input
            ? new[] { ModelCard.ProbabilitiesName, ModelCard.PredictedClassName }
            : [input, ModelCard.ProbabilitiesName, ModelCard.PredictedClassName];
        return chain.Append(ml.Transforms.DropColumns(drop));
    }
}
