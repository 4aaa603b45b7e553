using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Pipelines.Evaluation;
using NeuralPipelines.Pipelines.Linear;
using NeuralPipelines.Pipelines.Tabular;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Pipelines.Tests.Linear;

public class LinearPipelineTests
{
    [Fact]
    public void Least_squares_sits_in_an_ml_net_pipeline_and_saves_and_loads_as_ml_net_model()
    {
        var ml = new MLContext(seed: 1);
        var diabetes = TestData.Diabetes;
        var data = diabetes.ToDataView(LabelKind.Regression);
        var pipeline = ml.Transforms.Concatenate("Features", [.. diabetes.FeatureNames])
            .Append(ml.Regression.Trainers.LeastSquares(labelColumnName: "target"));
        var model = pipeline.Fit(data);

        var linear = model.LastTransformer.Model;
        Assert.Equal(diabetes.FeatureNames, linear.FeatureNames);
        var reference = LeastSquaresSolver.Solve(diabetes.Rows, diabetes.Labels, diabetes.FeatureNames);
        // The pipeline sees float32 columns; the fit moves only by float rounding.
        Assert.True(LinearModelDistance.Between(linear, reference, diabetes.Rows).Predictions < 1e-6);

        var scored = model.Transform(data);
        var scores = ScoredColumns.Read(scored, "Score");
        var expected = linear.Predict(diabetes.Rows);
        for (var i = 0; i < scores.Length; i++) Assert.Equal(expected[i], scores[i], Math.Abs(expected[i]) * 1e-5);
        Assert.Equal(0.517748, RegressionFigures.RSquaredOf(diabetes.Labels, scores), 1e-5);

        using var dir = new TempFolder();
        var path = dir.File("diabetes.zip");
        ml.Model.Save(model, data.Schema, path);
        var loaded = new MLContext().Model.Load(path, out var inputSchema);
        Assert.NotNull(inputSchema.GetColumnOrNull("bmi"));
        var reloaded = ScoredColumns.Read(loaded.Transform(data), "Score");
        Assert.Equal(scores, reloaded);
    }

    [Fact]
    public void A_saved_least_squares_model_serves_a_prediction_engine_as_a_line_of_business_app_would()
    {
        var ml = new MLContext(seed: 1);
        var diabetes = TestData.Diabetes;
        var data = diabetes.ToDataView(LabelKind.Regression);
        var model = ml.Transforms.Concatenate("Features", [.. diabetes.FeatureNames])
            .Append(ml.Regression.Trainers.LeastSquares(labelColumnName: "target")).Fit(data);
        using var dir = new TempFolder();
        var path = dir.File("diabetes.zip");
        ml.Model.Save(model, data.Schema, path);

        var app = new MLContext();
        var engine = app.Model.CreatePredictionEngine<Patient, Progression>(app.Model.Load(path, out _));
        var first = diabetes.Rows[0];
        var patient = new Patient
        {
            age = (float)first[0], sex = (float)first[1], bmi = (float)first[2], bp = (float)first[3], s1 = (float)first[4],
            s2 = (float)first[5], s3 = (float)first[6], s4 = (float)first[7], s5 = (float)first[8], s6 = (float)first[9],
        };
        var score = engine.Predict(patient).Score[0];
        Assert.Equal(model.LastTransformer.Model.Predict(first), score, 1e-3);
    }

#pragma warning disable IDE1006 // ML.NET matches columns by field name: these are the CSV's column names.
    private sealed class Patient
    {
        public float age, sex, bmi, bp, s1, s2, s3, s4, s5, s6;
    }

    private sealed class Progression
    {
        [VectorType(1)] public float[] Score = [];
    }
#pragma warning restore IDE1006

    [Fact]
    public void Gradient_descent_sits_in_a_pipeline_and_reports_its_losses()
    {
        var ml = new MLContext(seed: 1);
        var diabetes = TestData.Diabetes;
        var data = diabetes.ToDataView(LabelKind.Regression);
        var model = ml.Transforms.Concatenate("Features", [.. diabetes.FeatureNames])
            .Append(ml.Regression.Trainers.GradientDescent(labelColumnName: "target", learningRate: 0.3, epochs: 3000))
            .Fit(data);
        var gd = model.LastTransformer.GradientDescent!;
        Assert.Equal(3000, gd.EpochLosses.Count);
        var reference = LeastSquaresSolver.Solve(diabetes.Rows, diabetes.Labels, diabetes.FeatureNames);
        Assert.True(LinearModelDistance.Between(model.LastTransformer.Model, reference, diabetes.Rows).Predictions < 1e-3);
        Assert.Equal(0.517748, RegressionFigures.RSquaredOf(diabetes.Labels, ScoredColumns.Read(model.Transform(data), "Score")), 1e-4);
    }

    /// <summary>Audit K8: "Row 3 has a missing or non-finite value" named neither the column nor the value.</summary>
    [Fact]
    public void A_non_finite_feature_or_label_is_named_with_its_row_column_and_value()
    {
        var ml = new MLContext(seed: 1);
        ColumnarDataView Data(float a3, float y3) => new([
            new DataColumn("a", new float[] { 1, 2, a3, 4, 5 }),
            new DataColumn("b", new float[] { 2, 1, 6, 3, 10 }),
            new DataColumn("y", new float[] { 1, 3, y3, 5, 4 }),
        ]);
        var pipeline = ml.Transforms.Concatenate("Features", "b", "a").Append(ml.Regression.Trainers.LeastSquares(labelColumnName: "y"));
        var e = Assert.Throws<ArgumentException>(() => pipeline.Fit(Data(float.NaN, 2)));
        Assert.StartsWith("Row 3: the feature column 'Features' holds NaN in slot 1 ('a')", e.Message);
        var gd = ml.Transforms.Concatenate("Features", "b", "a").Append(ml.Regression.Trainers.GradientDescent(labelColumnName: "y"));
        e = Assert.Throws<ArgumentException>(() => gd.Fit(Data(3, float.PositiveInfinity)));
        Assert.StartsWith("Row 3: the label column 'y' holds Infinity;", e.Message);
    }

    [Fact]
    public void A_collinear_feature_fails_the_fit_with_its_name()
    {
        var ml = new MLContext(seed: 1);
        var data = new ColumnarDataView([
            new DataColumn("a", new float[] { 1, 2, 3, 4, 5 }),
            new DataColumn("twice_a", new float[] { 2, 4, 6, 8, 10 }),
            new DataColumn("y", new float[] { 1, 3, 2, 5, 4 }),
        ]);
        var pipeline = ml.Transforms.Concatenate("Features", "a", "twice_a").Append(ml.Regression.Trainers.LeastSquares(labelColumnName: "y"));
        var e = Assert.Throws<RankDeficientException>(() => pipeline.Fit(data));
        Assert.Contains("'twice_a' is a linear combination of 'a'", e.Message);
    }
}
