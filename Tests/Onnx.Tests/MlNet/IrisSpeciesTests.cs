using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests.MlNet;

/// <summary>The network estimator used the way ML.NET's own multiclass trainers are: text labels through MapValueToKey,
/// ML.NET's evaluator and cross-validation on the output, MapKeyToValue back to the label text, in memory and from the zip.</summary>
public sealed class IrisSpeciesTests
{
    private static readonly AccuracyGate Gate = new(0.9348, "iris test accuracy (43 of 46)", Examples: 46);
    public sealed class SpeciesPrediction
    {
        public float[] Score { get; set; } = [];
        public string PredictedSpecies { get; set; } = "";
    }

    [Fact]
    public void Text_labels_round_trip_and_mlnets_evaluator_scores_the_network()
    {
        var ml = new MLContext(1);
        var (model, train, test) = IrisFlowers.Trained.Value;
        var scored = model.Transform(test);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Gate.Check(metrics.MicroAccuracy);
        Assert.True(metrics.LogLoss < 0.4, $"iris test log-loss {metrics.LogLoss:F3}");

        // Score's slots carry the species, in the order of the label's key values (as a trainer's Score does).
        VBuffer<ReadOnlyMemory<char>> slots = default, keys = default;
        scored.Schema["Score"].GetSlotNames(ref slots);
        scored.Schema["Label"].GetKeyValues(ref keys);
        Assert.Equal(keys.DenseValues().Select(k => k.ToString()), slots.DenseValues().Select(s => s.ToString()));
        Assert.Equal(IrisFlowers.Species.Order(), slots.DenseValues().Select(s => s.ToString()).Order());

        // MapKeyToValue gives the species text, and it agrees with the label where the model is right.
        var named = ml.Transforms.Conversion.MapKeyToValue("PredictedSpecies", "PredictedLabel").Fit(scored).Transform(scored);
        var truth = ml.Transforms.Conversion.MapKeyToValue("TrueSpecies", "Label").Fit(named).Transform(named);
        var pairs = truth.GetColumn<string>("PredictedSpecies").Zip(truth.GetColumn<string>("TrueSpecies")).ToArray();
        Assert.All(pairs, p => Assert.Contains(p.First, IrisFlowers.Species));
        Assert.Equal(metrics.MicroAccuracy, pairs.Count(p => p.First == p.Second) / (double)pairs.Length, 12);

        // The same from a saved zip in a fresh context, through a PredictionEngine with a string output.
        using var temp = new TempFolder();
        var zip = temp.File("iris.zip");
        ml.Model.Save(model, train.Schema, zip);
        var fresh = new MLContext(7);
        var loaded = fresh.Model.Load(zip, out _);
        var withText = loaded.Append(fresh.Transforms.Conversion.MapKeyToValue("PredictedSpecies", "PredictedLabel").Fit(loaded.Transform(test)));
        var engine = fresh.Model.CreatePredictionEngine<IrisFlowers.Flower, SpeciesPrediction>(withText);
        var testRows = fresh.Data.CreateEnumerable<IrisFlowers.Flower>(test, reuseRowObject: false).ToArray();
        var predicted = testRows.Select(f => engine.Predict(f).PredictedSpecies).ToArray();
        Assert.Equal(pairs.Select(p => p.First), predicted);
        var reloadedMetrics = fresh.MulticlassClassification.Evaluate(loaded.Transform(test));
        Assert.Equal(metrics.MicroAccuracy, reloadedMetrics.MicroAccuracy);
        Assert.Equal(metrics.LogLoss, reloadedMetrics.LogLoss, 9);
    }

    /// <summary>The gate refuses the same pipeline fitted to the same training flowers with their species shuffled,
    /// scored on the same held-out flowers by the same evaluator.</summary>
    [Fact]
    public void The_gate_refuses_the_same_pipeline_trained_on_shuffled_species()
    {
        var ml = new MLContext(1);
        var (_, train, test) = IrisFlowers.Trained.Value;
        var flowers = ml.Data.CreateEnumerable<IrisFlowers.Flower>(train, reuseRowObject: false).ToArray();
        var species = flowers.Select(f => f.Label).ToArray();
        new Random(7).Shuffle(species);
        var shuffled = flowers.Select((f, i) => new IrisFlowers.Flower { Features = f.Features, Label = species[i] });
        var wrong = IrisFlowers.Pipeline(ml).Fit(ml.Data.LoadFromEnumerable(shuffled));
        Gate.Refuses(ml.MulticlassClassification.Evaluate(wrong.Transform(test)).MicroAccuracy, "shuffled training species");
    }

    [Fact]
    public void CrossValidate_runs_unchanged()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(IrisFlowers.All());
        var folds = ml.MulticlassClassification.CrossValidate(data, IrisFlowers.Pipeline(ml), numberOfFolds: 3);
        Assert.Equal(3, folds.Count);
        Assert.All(folds, f => Assert.True(f.Metrics.MicroAccuracy >= 0.85, $"fold {f.Fold}: accuracy {f.Metrics.MicroAccuracy:P1}"));
    }
}
