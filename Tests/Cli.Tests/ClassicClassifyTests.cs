using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

public class ClassicClassifyTests
{
    [Fact]
    public void Breast_cancer_prints_accuracy_log_loss_auc_and_the_confusion_matrix()
    {
        var json = ClassicCli.Json("classify", "--data", "breast-cancer", "--label", "target", "--seed", "2");
        Assert.Equal("binary", json.GetProperty("kind").GetString());
        AccuracyBar.AtLeast(json.GetProperty("accuracy").GetDouble(), measured: 0.9823, "breast cancer, accuracy on 113 held-out rows");
        Assert.InRange(json.GetProperty("log_loss").GetDouble(), 0, 0.5);
        AccuracyBar.AtLeast(json.GetProperty("auc").GetDouble(), measured: 0.997, "breast cancer, AUC");
        Assert.Equal(113, json.GetProperty("confusion_matrix").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetInt32())));
    }

    [Fact]
    public void Iris_prints_micro_and_macro_accuracy()
    {
        var json = ClassicCli.Json("classify", "--data", "iris", "--trainer", "lbfgs");
        Assert.Equal("multiclass", json.GetProperty("kind").GetString());
        AccuracyBar.AtLeast(json.GetProperty("micro_accuracy").GetDouble(), measured: 0.9667, "iris, micro accuracy", examples: 30);
        AccuracyBar.AtLeast(json.GetProperty("macro_accuracy").GetDouble(), measured: 0.9667, "iris, macro accuracy", examples: 30);
        Assert.Equal(3, json.GetProperty("confusion_matrix").GetArrayLength());
        Assert.True(json.GetProperty("log_loss").GetDouble() > 0);
    }

    [Fact]
    public void The_saved_zip_records_its_test_figures_for_SavedModel()
    {
        using var temp = new TempFolder();
        var zip = temp.File("iris.zip");
        var json = ClassicCli.Json("classify", "--data", "iris", "--trainer", "lbfgs", "--out", zip);
        using var saved = NeuralPipelines.Onnx.Validation.SavedModel.Load(zip);
        Assert.Equal(json.GetProperty("micro_accuracy").GetDouble(), saved.Card!.Metrics!["test_accuracy"], 12);
        Assert.Equal(["0", "1", "2"], saved.Card.ClassLabels);
        // The whole shipped table (training rows included) is at least as well classified as the held-out rows suggest.
        saved.EvaluateClassification(NeuralPipelines.Data.ShippedData.Tabular("iris.csv"), "target").AssertAccuracyAtLeast(0.93);
    }

    [Fact]
    public void A_numeric_target_is_sent_to_regress()
    {
        ClassicCli.AssertFailsWithOneLine("classify", ["classify", "--data", "diabetes"], "diabetes.csv", "np regress");
    }
}
