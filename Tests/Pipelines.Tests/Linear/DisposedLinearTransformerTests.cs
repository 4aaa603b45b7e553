using Microsoft.ML;
using NeuralPipelines.Pipelines.Linear;
using NeuralPipelines.Pipelines.Tabular;

namespace NeuralPipelines.Pipelines.Tests.Linear;

/// <summary>A disposed linear regression transformer refuses to score with <see cref="ObjectDisposedException"/>; it used
/// to hand its released ONNX Runtime session to ML.NET, whose first row failed with a NullReferenceException from inside
/// ONNX Runtime. Disposing twice is harmless.</summary>
public class DisposedLinearTransformerTests
{
    [Fact]
    public void A_disposed_linear_regression_refuses_to_score_by_name()
    {
        var ml = new MLContext(seed: 1);
        var diabetes = TestData.Diabetes;
        var data = diabetes.ToDataView(LabelKind.Regression);
        var model = ml.Transforms.Concatenate("Features", [.. diabetes.FeatureNames])
            .Append(ml.Regression.Trainers.LeastSquares(labelColumnName: "target")).Fit(data);
        model.LastTransformer.Dispose();
        model.LastTransformer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.Transform(data));
        Assert.Throws<ObjectDisposedException>(() => model.LastTransformer.GetRowToRowMapper(model.GetOutputSchema(data.Schema)));
    }
}
