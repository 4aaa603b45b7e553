using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

public class ClassicClassifyTests
{
    private static readonly AccuracyGate CancerAccuracy = new(0.9823, "breast cancer, accuracy on 113 held-out rows");
    private static readonly AccuracyGate CancerAuc = new(0.997, "breast cancer, AUC");
    private static readonly AccuracyGate IrisMicro = new(0.9667, "iris, micro accuracy", Examples: 30);
    private static readonly AccuracyGate IrisMacro = new(0.9667, "iris, macro accuracy", Examples: 30);

    /// <summary>The two commands whose figures the gates read, on a shipped table or a CSV in its place.</summary>
    private static System.Text.Json.JsonElement Cancer(string data) => ClassicCli.Json("classify", "--data", data, "--label", "target", "--seed", "2");

    private static System.Text.Json.JsonElement Iris(string data) => ClassicCli.Json("classify", "--data", data, "--trainer", "lbfgs");

    [Fact]
    public void Breast_cancer_prints_accuracy_log_loss_auc_and_the_confusion_matrix()
    {
        var json = Cancer("breast-cancer");
        Assert.Equal("binary", json.GetProperty("kind").GetString());
        CancerAccuracy.Check(json.GetProperty("accuracy").GetDouble());
        Assert.InRange(json.GetProperty("log_loss").GetDouble(), 0, 0.5);
        CancerAuc.Check(json.GetProperty("auc").GetDouble());
        Assert.Equal(113, json.GetProperty("confusion_matrix").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetInt32())));
    }

    [Fact]
    public void Iris_prints_micro_and_macro_accuracy()
    {
        var json = Iris("iris");
        Assert.Equal("multiclass", json.GetProperty("kind").GetString());
        IrisMicro.Check(json.GetProperty("micro_accuracy").GetDouble());
        IrisMacro.Check(json.GetProperty("macro_accuracy").GetDouble());
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

    /// <summary>Each gate refuses the same command run on the same table with its target column shuffled between the rows.</summary>
    [Fact]
    public void Every_gate_refuses_the_same_command_on_the_table_with_shuffled_labels()
    {
        using var folder = new TempFolder();
        const string defect = "shuffled labels";
        var cancer = Cancer(ShuffledTarget(folder, "breast_cancer.csv"));
        CancerAccuracy.Refuses(cancer.GetProperty("accuracy").GetDouble(), defect);
        CancerAuc.Refuses(cancer.GetProperty("auc").GetDouble(), defect);
        var iris = Iris(ShuffledTarget(folder, "iris.csv"));
        IrisMicro.Refuses(iris.GetProperty("micro_accuracy").GetDouble(), defect);
        IrisMacro.Refuses(iris.GetProperty("macro_accuracy").GetDouble(), defect);
    }

    /// <summary>A copy of a shipped table whose "target" cells are dealt out to the rows in a shuffled order.</summary>
    private static string ShuffledTarget(TempFolder folder, string table)
    {
        var lines = File.ReadAllLines(NeuralPipelines.Data.ShippedData.Tabular(table)).Where(l => l.Length > 0).ToArray();
        int column = Array.IndexOf(lines[0].Split(','), "target");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var targets = rows.Select(r => r[column]).ToArray();
        new Random(7).Shuffle(targets);
        for (int i = 0; i < rows.Length; i++) rows[i][column] = targets[i];
        return folder.Write(table, string.Join("\n", rows.Select(r => string.Join(',', r)).Prepend(lines[0])) + "\n");
    }
}
