using System.Globalization;
using Microsoft.ML;
using NeuralPipelines.Data;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Tests.Support;
using NeuralPipelines.Onnx.Validation;
using NeuralPipelines.Pipelines.Tabular;

namespace NeuralPipelines.Onnx.Tests.Validation;

/// <summary>SavedModel on tabular models: an ML.NET pipeline of ML.NET's own trainers (card kept in the zip), our linear
/// regression, and the network's zip and ONNX file, evaluated on CSV files and IDataViews with a label column.</summary>
public sealed class SavedModelTabularTests
{
    private static void WriteCsv(TabularDataset data, string path)
    {
        var lines = new List<string> { string.Join(',', [.. data.FeatureNames, data.LabelName]) };
        for (int r = 0; r < data.Count; r++)
            lines.Add(string.Join(',', data.Rows[r].Append(data.Labels[r]).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        File.WriteAllLines(path, lines);
    }

    [Fact]
    public void A_multiclass_mlnet_pipeline_is_validated_on_a_csv_against_the_figures_recorded_in_its_zip()
    {
        var iris = TabularDataset.ReadCsv(ShippedData.Tabular("iris.csv"), "target");
        var (train, test) = iris.Split(0.3, seed: 1, stratify: true);
        var ml = new MLContext(1);
        var run = TabularClassification.Train(ml, train, ClassificationTrainer.Lbfgs, iris.Classes);
        var figures = TabularClassification.Evaluate(ml, run, test);
        using var temp = new TempFolder();
        var zip = temp.File("iris-maxent.zip");
        var csv = temp.File("iris-test.csv");
        ModelFile.Save(ml, run.Pipeline, run.InputSchema, zip, TabularCard.Classification(run, train, figures));
        WriteCsv(test, csv);

        using var saved = SavedModel.Load(zip);
        Assert.Equal("mlnet", saved.Format);
        Assert.Equal(["0", "1", "2"], saved.Card!.ClassLabels);
        var evaluation = saved.EvaluateClassification(csv, "target");
        Assert.Equal(test.Count, evaluation.Count);
        Assert.Equal(figures.Accuracy, evaluation.Accuracy, 12);
        Assert.Equal(figures.LogLoss, evaluation.LogLoss!.Value, 5);
        Assert.Equal(figures.ConfusionMatrix, evaluation.Confusion);
        evaluation.AssertMatchesRecordedAccuracy(1e-9).AssertAccuracyAtLeast(0.9);

        // ML.NET still loads the zip with the card entry beside its own.
        var loaded = ModelFile.Load(new MLContext(2), zip, out _);
        Assert.NotNull(loaded);
    }

    [Fact]
    public void A_binary_mlnet_pipeline_is_validated_with_its_probability()
    {
        var cancer = TabularDataset.ReadCsv(ShippedData.Tabular("breast_cancer.csv"), "target");
        var (train, test) = cancer.Split(0.2, seed: 1, stratify: true);
        var ml = new MLContext(1);
        var run = TabularClassification.Train(ml, train, ClassificationTrainer.Lbfgs, cancer.Classes);
        var figures = TabularClassification.Evaluate(ml, run, test);
        using var temp = new TempFolder();
        var zip = temp.File("cancer.zip");
        var csv = temp.File("cancer-test.csv");
        ModelFile.Save(ml, run.Pipeline, run.InputSchema, zip, TabularCard.Classification(run, train, figures));
        WriteCsv(test, csv);

        using var saved = SavedModel.Load(zip);
        var evaluation = saved.EvaluateClassification(csv, "target");
        Assert.Equal(figures.Accuracy, evaluation.Accuracy, 12);
        // Both in nats: ML.NET's binary log-loss (in bits) is converted by TabularClassification.Evaluate (audit S2).
        Assert.Equal(figures.LogLoss, evaluation.LogLoss!.Value, 4);
        evaluation.AssertMatchesRecordedAccuracy(1e-9);
    }

    [Fact]
    public void A_linear_regression_zip_gives_r_squared_and_rmse_and_matches_its_recorded_figures()
    {
        var diabetes = TabularDataset.ReadCsv(ShippedData.Tabular("diabetes.csv"), "target");
        var (train, test) = diabetes.Split(0.2, seed: 1);
        var ml = new MLContext(1);
        var run = TabularRegression.Train(ml, train, new RegressionSettings());
        var (_, figures) = TabularRegression.Evaluate(run, test);
        using var temp = new TempFolder();
        var zip = temp.File("diabetes.zip");
        var csv = temp.File("diabetes-test.csv");
        ModelFile.Save(ml, run.Pipeline, run.InputSchema, zip, TabularCard.Regression(run, train, figures));
        WriteCsv(test, csv);

        using var saved = SavedModel.Load(zip);
        var evaluation = saved.EvaluateRegression(csv, "target");
        Assert.Equal(test.Count, evaluation.Count);
        Assert.Equal(figures.RSquared, evaluation.RSquared, 4);
        Assert.Equal(figures.Rmse, evaluation.Rmse, 2);
        evaluation.AssertMatchesRecordedRSquared(1e-4).AssertRSquaredAtLeast(0.3).AssertRmseAtMost(70);
        var e = Assert.Throws<ModelValidationException>(() => evaluation.AssertRSquaredAtLeast(0.95));
        Assert.Contains("diabetes-test.csv", e.Message);
        Assert.Throws<InvalidDataException>(() => saved.EvaluateClassification(csv, "target"));
    }

    [Fact]
    public void The_networks_zip_keeps_its_card_and_is_validated_on_text_labels_as_its_onnx_file_is()
    {
        var (pipeline, train, test) = IrisFlowers.Trained.Value;
        var network = IrisFlowers.Network(pipeline);
        var ml = new MLContext(1);
        using var temp = new TempFolder();
        var zip = temp.File("iris-network.zip");
        var onnx = temp.File("iris-network.onnx");
        var csv = temp.File("iris-test.csv");
        ml.Model.Save(pipeline, train.Schema, zip);
        File.WriteAllBytes(onnx, network.OnnxModel);
        IrisFlowers.WriteCsv(ml.Data.CreateEnumerable<IrisFlowers.Flower>(test, reuseRowObject: false), csv);
        var expected = ml.MulticlassClassification.Evaluate(pipeline.Transform(test));

        using var fromZip = SavedModel.Load(zip);
        Assert.Equal(IrisFlowers.Species, fromZip.Card!.ClassLabels);
        Assert.Equal(network.Card.Metrics!["test_accuracy"], fromZip.Card.Metrics!["test_accuracy"]);
        Assert.NotNull(fromZip.Card.Normalization);
        using var fromOnnx = SavedModel.Load(onnx);
        foreach (var evaluation in new[]
        {
            fromZip.EvaluateClassification(test, "Label"),
            fromZip.EvaluateClassification(csv, "species"),
            fromOnnx.EvaluateClassification(csv, "species"),
        })
        {
            Assert.Equal(expected.MicroAccuracy, evaluation.Accuracy, 12);
            Assert.Equal(expected.LogLoss, evaluation.LogLoss!.Value, 5);
            Assert.Equal(IrisFlowers.Species, evaluation.ClassLabels);
            // Recorded on the 10% of training rows held out during training; the card is read, and the two agree.
            evaluation.AssertMatchesRecordedAccuracy(0.2);
        }
    }

    [Fact]
    public void A_label_the_model_does_not_know_is_named_with_its_row()
    {
        var (pipeline, train, _) = IrisFlowers.Trained.Value;
        var ml = new MLContext(1);
        using var temp = new TempFolder();
        var zip = temp.File("iris-network.zip");
        var csv = temp.File("bad.csv");
        ml.Model.Save(pipeline, train.Schema, zip);
        var flowers = IrisFlowers.All().Take(3).ToArray();
        flowers[1].Label = "tulip";
        IrisFlowers.WriteCsv(flowers, csv);
        using var saved = SavedModel.Load(zip);
        var e = Assert.Throws<InvalidDataException>(() => saved.EvaluateClassification(csv, "species"));
        Assert.Contains("row 2", e.Message);
        Assert.Contains("'tulip'", e.Message);
        var missing = Assert.Throws<InvalidDataException>(() => saved.EvaluateClassification(csv, "kind"));
        Assert.Contains("'kind'", missing.Message);
    }

    [Fact]
    public void OnnxScorer_opens_the_networks_zip_and_scores_as_the_network_does()
    {
        var (pipeline, train, test) = IrisFlowers.Trained.Value;
        var network = IrisFlowers.Network(pipeline);
        var ml = new MLContext(1);
        using var temp = new TempFolder();
        var zip = temp.File("iris-network.zip");
        ml.Model.Save(pipeline, train.Schema, zip);
        var rows = ml.Data.CreateEnumerable<IrisFlowers.Flower>(test, reuseRowObject: false).SelectMany(f => f.Features).ToArray();
        var options = new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = 1 };
        using var fromZip = OnnxScorer.Load(zip, options);
        using var direct = network.CreateScorer(options);
        Assert.Equal(direct.Score(rows, rows.Length / 4), fromZip.Score(rows, rows.Length / 4));
        Assert.Equal(IrisFlowers.Species, fromZip.Card!.ClassLabels);
    }

    [Fact]
    public void OnnxScorer_refuses_a_zip_of_mlnets_own_trainers_by_name()
    {
        using var temp = new TempFolder();
        var zip = temp.File("maxent.zip");
        IrisFlowers.SaveMaxEntZip(zip);
        var e = Assert.Throws<InvalidDataException>(() => OnnxScorer.Load(zip));
        Assert.Contains(zip, e.Message);
        Assert.Contains("no ONNX model", e.Message);
        Assert.Empty(MlNetZip.OnnxModels(zip));
    }
}
