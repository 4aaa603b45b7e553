using Microsoft.ML;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>Schema propagation through an estimator that holds ML.NET's ONNX transformer, without keeping its session.</summary>
/// <remarks>ML.NET's <c>ApplyOnnxModel</c> loads the model when the estimator is made: an ONNX Runtime session and an open
/// temporary file, held until the transformer is disposed or the garbage collector finds it. Trainers answer
/// <c>GetOutputSchema</c> with a stand-in model, which every <c>EstimatorChain.Fit</c> asks for, so the stand-in's
/// transformer is fitted on no rows (fitting hands back the one the estimator built) and disposed at once. The file
/// itself stays in the context's temp folder (see <see cref="ScopedMLContext"/>).</remarks>
public static class OnnxEstimatorSchema
{
    /// <param name="featureColumn">The stand-in model's input column, and <paramref name="width"/> its length.</param>
    public static SchemaShape Of(MLContext ml, IEstimator<ITransformer> estimator, SchemaShape input, string featureColumn, int width)
    {
        var output = estimator.GetOutputSchema(input);
        using (estimator.Fit(EmptyFeatureView.Create(ml, featureColumn, width)) as IDisposable) { }
        return output;
    }
}
