using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>Builds the ML.NET pipeline that scores an exported NeuralPipelines classifier, out of ML.NET's own transformers,
/// with ML.NET's column shapes: <c>Score</c> (Vector&lt;Single, K&gt;) and a key-typed <c>PredictedLabel</c>.</summary>
/// <remarks>
/// ML.NET cannot save a transformer written outside ML.NET (its save context is internal), but it saves its own
/// ONNX transformer together with the model bytes. So the pipeline is: copy the feature column to the graph's input name,
/// apply the ONNX model (a copy with one more output, Score: the row's probabilities as a K-vector whose slots ML.NET
/// names after the classes, <see cref="NamedScoreOutput"/>), turn its predicted class into a key over the class labels
/// (<see cref="ClassLabelKey"/>) and drop the intermediate columns. <c>mlContext.Model.Save</c> then writes a zip that any
/// ML.NET process loads and scores without this library, and <c>ml.MulticlassClassification.Evaluate</c> reads its output
/// as it reads a trainer's: Score's slot names and PredictedLabel's key values are both the class labels, in output order.
/// </remarks>
public static class OnnxModelEstimators
{
    private const string Scratch = "np_predicted_";

    /// <param name="gpuDeviceId">ML.NET's own choice of device: null for the CPU; a device id asks for CUDA with fallback to the CPU.</param>
    /// <param name="classLabels">The class names in output order; null takes the model card's, or "0", "1"... when it has none.</param>
    public static IEstimator<ITransformer> Create(MLContext ml, byte[] onnx, string featureColumn, int? gpuDeviceId = null,
        IReadOnlyList<string>? classLabels = null)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        Scoring.OnnxRuntimeNative.EnsureLoaded();
        const string input = ModelCard.InputName, probabilities = ModelCard.ProbabilitiesName, predicted = ModelCard.PredictedClassName;
        // One parse and integrity check of the model for everything below: the labels (from it only when none are given),
        // the input width, and the copy with a named Score output.
        var (model, labels, inputLength) = OnnxModelInfo.Classifier(onnx, classLabels);
        // The ONNX transformer matches columns to graph inputs by name, so the features are staged under "input"
        // (a column of the user's that already has that name is replaced in the output).
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        if (featureColumn != input)
            chain = chain.Append(ml.Transforms.CopyColumns(input, featureColumn));
        var scoring = NamedScoreOutput.Add(model, probabilities, OnnxModelColumns.Score, labels);
        chain = chain
            .Append(MlNetOnnxLoads.Run(() => ml.Transforms.ApplyOnnxModel([OnnxModelColumns.Score, predicted], [input],
                new MemoryStream(scoring, writable: false), gpuDeviceId, fallbackToCpu: true)));
        chain = ClassLabelKey.Append(ml, chain, predicted, OnnxModelColumns.PredictedLabel, labels, Scratch);
        string[] drop = [.. featureColumn == input ? [] : new[] { input }, predicted, .. ClassLabelKey.ScratchColumns(Scratch)];
        return new FeatureColumnCheck(chain.Append(ml.Transforms.DropColumns(drop)), featureColumn, inputLength);
    }
}
