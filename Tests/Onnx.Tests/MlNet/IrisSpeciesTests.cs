using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Pipelines.Neural;

namespace NeuralPipelines.Onnx.Tests.MlNet;

/// <summary>The network estimator used the way ML.NET's own multiclass trainers are: text labels through MapValueToKey,
/// ML.NET's evaluator and cross-validation on the output, MapKeyToValue back to the label text, in memory and from the zip.</summary>
public sealed class IrisSpeciesTests
{
    private static readonly string[] Species = ["setosa", "versicolor", "virginica"];

    public sealed class Flower
    {
        [VectorType(4)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    public sealed class SpeciesPrediction
    {
        public float[] Score { get; set; } = [];
        public string PredictedSpecies { get; set; } = "";
    }

    /// <summary>The shipped iris table with its 0/1/2 target written as the species names (scikit-learn's target_names order).</summary>
    private static Flower[] Flowers()
    {
        var table = CsvReader.Read(ShippedData.Tabular("iris.csv"));
        var features = table.ColumnNames.Where(n => n != "target").Select(table.Column).ToArray();
        var target = table.Column("target");
        return Enumerable.Range(0, table.RowCount)
            .Select(r => new Flower { Features = features.Select(c => (float)c[r]).ToArray(), Label = Species[(int)target[r]] }).ToArray();
    }

    private static IEstimator<ITransformer> Pipeline(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkOptions
            {
                HiddenLayers = [16], Epochs = 60, BatchSize = 10, LearningRate = 0.1f, Normalize = true, ValidationFraction = 0.1, Seed = 5,
            }));

    [Fact]
    public void Text_labels_round_trip_and_mlnets_evaluator_scores_the_network()
    {
        var ml = new MLContext(1);
        var flowers = Flowers();
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(flowers), testFraction: 0.3, seed: 2);
        var model = Pipeline(ml).Fit(split.TrainSet);
        var scored = model.Transform(split.TestSet);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.True(metrics.MicroAccuracy >= 0.9, $"iris test accuracy {metrics.MicroAccuracy:P1}");
        Assert.True(metrics.LogLoss < 0.4, $"iris test log-loss {metrics.LogLoss:F3}");

        // MapKeyToValue gives the species text, and it agrees with the label where the model is right.
        var named = ml.Transforms.Conversion.MapKeyToValue("PredictedSpecies", "PredictedLabel").Fit(scored).Transform(scored);
        var truth = ml.Transforms.Conversion.MapKeyToValue("TrueSpecies", "Label").Fit(named).Transform(named);
        var pairs = truth.GetColumn<string>("PredictedSpecies").Zip(truth.GetColumn<string>("TrueSpecies")).ToArray();
        Assert.All(pairs, p => Assert.Contains(p.First, Species));
        Assert.Equal(metrics.MicroAccuracy, pairs.Count(p => p.First == p.Second) / (double)pairs.Length, 12);

        // The same from a saved zip in a fresh context, through a PredictionEngine with a string output.
        using var temp = new TempFolder();
        var zip = temp.File("iris.zip");
        ml.Model.Save(model, split.TrainSet.Schema, zip);
        var fresh = new MLContext(7);
        var loaded = fresh.Model.Load(zip, out _);
        var withText = loaded.Append(fresh.Transforms.Conversion.MapKeyToValue("PredictedSpecies", "PredictedLabel").Fit(loaded.Transform(split.TestSet)));
        var engine = fresh.Model.CreatePredictionEngine<Flower, SpeciesPrediction>(withText);
        var testRows = fresh.Data.CreateEnumerable<Flower>(split.TestSet, reuseRowObject: false).ToArray();
        var predicted = testRows.Select(f => engine.Predict(f).PredictedSpecies).ToArray();
        Assert.Equal(pairs.Select(p => p.First), predicted);
        var reloadedMetrics = fresh.MulticlassClassification.Evaluate(loaded.Transform(split.TestSet));
        Assert.Equal(metrics.MicroAccuracy, reloadedMetrics.MicroAccuracy);
        Assert.Equal(metrics.LogLoss, reloadedMetrics.LogLoss, 9);
    }

    [Fact]
    public void CrossValidate_runs_unchanged()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Flowers());
        var folds = ml.MulticlassClassification.CrossValidate(data, Pipeline(ml), numberOfFolds: 3);
        Assert.Equal(3, folds.Count);
        Assert.All(folds, f => Assert.True(f.Metrics.MicroAccuracy >= 0.85, $"fold {f.Fold}: accuracy {f.Metrics.MicroAccuracy:P1}"));
    }
}
