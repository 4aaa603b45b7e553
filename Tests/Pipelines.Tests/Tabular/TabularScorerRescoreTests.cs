using Microsoft.ML;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Pipelines.Linear;
using NeuralPipelines.Pipelines.Tabular;

namespace NeuralPipelines.Pipelines.Tests.Tabular;

/// <summary>Audit C7: a CSV that already had the columns a pipeline writes (yesterday's predictions, scored again with a
/// retrained model) was refused with "the model adds no numeric prediction column to write", blaming the model; its
/// columns are now the new predictions, written once, in place of the old ones.</summary>
public class TabularScorerRescoreTests
{
    [Theory]
    [InlineData("diabetes.csv")]
    [InlineData("breast_cancer.csv")]
    [InlineData("iris.csv")]
    public void A_predictions_file_scores_again_to_itself(string file)
    {
        var model = file switch
        {
            "diabetes.csv" => TabularRegression.Train(new MLContext(seed: 1), TestData.Diabetes, new RegressionSettings { Method = RegressionMethod.ClosedForm }).Pipeline,
            "iris.csv" => TabularClassification.Train(new MLContext(seed: 1), TestData.Iris, ClassificationTrainer.Lbfgs, TestData.Iris.Classes).Pipeline,
            _ => TabularClassification.Train(new MLContext(seed: 1), TestData.BreastCancer, ClassificationTrainer.Lbfgs, TestData.BreastCancer.Classes).Pipeline,
        };
        using var dir = new NeuralPipelines.Tests.TempFolder();
        var once = dir.File("once.csv");
        TabularScorer.Score(model, CsvReader.Read(ShippedData.Tabular(file)), "model.zip", once);
        var twice = dir.File("twice.csv");
        TabularScorer.Score(model, CsvReader.Read(once), "model.zip", twice);
        // The same columns with the same values (ML.NET may place a column that replaces another beside it, so the
        // order of the model's columns can differ).
        var (first, second) = (CsvReader.Read(once), CsvReader.Read(twice));
        Assert.Equal(first.ColumnNames.Order(), second.ColumnNames.Order());
        foreach (var name in first.ColumnNames) Assert.Equal(first.Column(name), second.Column(name));
    }
}
