using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>Builds the ML.NET pipeline that runs an exported generator's sampler: a column of noise vectors in, a column of
/// images (pixels in [0, 1], flattened C·H·W) out, out of ML.NET's own transformers, so <c>mlContext.Model.Save</c> writes
/// a zip that any ML.NET process loads (the same reasoning as <see cref="OnnxModelEstimators"/>).</summary>
public static class GeneratorEstimators
{
    public static IEstimator<ITransformer> Create(MLContext ml, byte[] onnx, string noiseColumn, string imageColumn, int? gpuDeviceId = null)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        Scoring.OnnxRuntimeNative.EnsureLoaded();
        const string input = ModelCard.InputName, output = ModelCard.ScoresName;
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        if (noiseColumn != input) chain = chain.Append(ml.Transforms.CopyColumns(input, noiseColumn));
        chain = chain
            .Append(MlNetOnnxLoads.Run(() => ml.Transforms.ApplyOnnxModel([output], [input], new MemoryStream(onnx, writable: false), gpuDeviceId, fallbackToCpu: true)))
            .Append(ml.Transforms.CopyColumns(imageColumn, output));
        string[] drop = noiseColumn == input ? [output] : [input, output];
        return chain.Append(ml.Transforms.DropColumns(drop.Where(c => c != imageColumn).ToArray()));
    }
}
