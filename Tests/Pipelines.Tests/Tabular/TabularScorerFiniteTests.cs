using Microsoft.ML;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Pipelines.Linear;
using NeuralPipelines.Pipelines.Tabular;

namespace NeuralPipelines.Pipelines.Tests.Tabular;

/// <summary>Audit C4: a row near float32's limits made an ML.NET pipeline answer ±∞ or NaN, which np score wrote into the
/// predictions as a result (NaN probabilities with PredictedClass 0); the ONNX route refuses such a score, naming the row.</summary>
public class TabularScorerFiniteTests
{
    [Theory]
    [InlineData("diabetes.csv", 3e38)]
    [InlineData("diabetes.csv", -3e38)]
    [InlineData("iris.csv", 3e38)]
    [InlineData("breast_cancer.csv", 3e38)]
    public void A_score_that_overflows_is_an_error_naming_the_row(string file, double huge)
    {
        var shipped = CsvReader.Read(ShippedData.Tabular(file));
        var model = file switch
        {
            "diabetes.csv" => TabularRegression.Train(new MLContext(seed: 1), TestData.Diabetes, new RegressionSettings { Method = RegressionMethod.ClosedForm }).Pipeline,
            "iris.csv" => TabularClassification.Train(new MLContext(seed: 1), TestData.Iris, ClassificationTrainer.Lbfgs, TestData.Iris.Classes).Pipeline,
            _ => TabularClassification.Train(new MLContext(seed: 1), TestData.BreastCancer, ClassificationTrainer.Lbfgs, TestData.BreastCancer.Classes).Pipeline,
        };
        // Row 0 as shipped, row 1 every cell at the edge of float32.
        var columns = shipped.ColumnNames.Select(n => new[] { shipped.Column(n)[0], huge }).ToArray();
        var table = new CsvTable("huge.csv", shipped.ColumnNames, columns);
        var e = Assert.Throws<InvalidDataException>(() => TabularScorer.Score(model, table, "model.zip", write => write(Stream.Null)));
        Assert.True(e.Message.Contains("huge.csv: row 1:"), e.Message);
        Assert.Contains("model.zip", e.Message);
    }
}
