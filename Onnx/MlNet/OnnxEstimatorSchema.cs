using Microsoft.ML;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>Schema propagation through an estimator that holds ML.NET's ONNX transformer, leaving nothing behind.</summary>
/// <remarks>ML.NET's <c>ApplyOnnxModel</c> loads the model when the estimator is made: an ONNX Runtime session, and a copy
/// of the model in the context's temp folder that ML.NET never deletes (see <see cref="ScopedMLContext"/>). Trainers
/// answer <c>GetOutputSchema</c> with a stand-in model, which every <c>EstimatorChain.Fit</c> asks for, so the stand-in
/// is built in a context of its own, its transformer fitted on no rows (fitting hands back the one the estimator built)
/// and disposed, and the context's folder removed.</remarks>
public static class OnnxEstimatorSchema
{
    /// <param name="build">Builds the stand-in's estimator with the context it is given.</param>
    /// <param name="featureColumn">The stand-in model's input column, and <paramref name="width"/> its length.</param>
    public static SchemaShape Of(Func<MLContext, IEstimator<ITransformer>> build, SchemaShape input, string featureColumn, int width)
    {
        ArgumentNullException.ThrowIfNull(build);
        using var scope = new ScopedMLContext(seed: 0);
        var estimator = build(scope.Context);
        var output = estimator.GetOutputSchema(input);
        using (estimator.Fit(EmptyFeatureView.Create(scope.Context, featureColumn, width)) as IDisposable) { }
        return output;
    }
}
