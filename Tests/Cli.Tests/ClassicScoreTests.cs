using NeuralPipelines.Data.Csv;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

public class ClassicScoreTests
{
    [Fact]
    public void Our_closed_form_pipeline_scores_identically_in_a_fresh_process()
    {
        using var dir = new TempFolder();
        var model = dir.File("diabetes.zip");
        var json = ClassicCli.Json("regress", "--data", "diabetes", "--out", model);
        var inProcess = dir.File("in-process.csv");
        Assert.Equal(442, ClassicCli.Json("score", "--model", model, "--data", "diabetes", "--output", inProcess).GetProperty("rows").GetInt32());

        var fresh = dir.File("fresh.csv");
        var (code, _, stderr) = ClassicCli.FreshProcess("score", "--model", model, "--data", "diabetes", "--output", fresh);
        Assert.True(code == 0, stderr);
        Assert.Equal(File.ReadAllText(inProcess), File.ReadAllText(fresh));

        // The scores are the fitted model's: b + w·x on each row, to float precision.
        var scored = CsvReader.Read(fresh);
        var coefficients = json.GetProperty("coefficients");
        var intercept = json.GetProperty("intercept").GetDouble();
        for (var i = 0; i < scored.RowCount; i++)
        {
            var expected = intercept + coefficients.EnumerateObject().Sum(c => c.Value.GetDouble() * scored.Column(c.Name)[i]);
            Assert.Equal(expected, scored.Column("Score")[i], Math.Abs(expected) * 1e-5);
        }
    }

    [Theory]
    [InlineData("breast-cancer", "Probability")]
    [InlineData("iris", "PredictedClass")]
    public void Classifiers_score_identically_in_a_fresh_process(string data, string column)
    {
        using var dir = new TempFolder();
        var model = dir.File("model.zip");
        ClassicCli.Json("classify", "--data", data, "--out", model);
        var inProcess = dir.File("a.csv");
        ClassicCli.Json("score", "--model", model, "--data", data, "--output", inProcess);
        var fresh = dir.File("b.csv");
        var (code, _, stderr) = ClassicCli.FreshProcess("score", "--model", model, "--data", data, "--output", fresh);
        Assert.True(code == 0, stderr);
        Assert.Equal(File.ReadAllText(inProcess), File.ReadAllText(fresh));
        Assert.True(CsvReader.Read(fresh).HasColumn(column));
    }

    // One case per kind of saved last transformer (a fresh process costs seconds): ridge saves like closed form,
    // ogd like sdca, binary sdca like sgd (calibrated linear), multiclass sdca like lbfgs (maximum entropy).
    [Theory]
    [InlineData("regress", "diabetes", "--method", "gd")]
    [InlineData("regress", "diabetes", "--method", "sdca")]
    [InlineData("classify", "breast-cancer", "--trainer", "sgd")]
    [InlineData("classify", "iris", "--trainer", "sgd")]
    public void Every_other_method_scores_identically_in_a_fresh_process(string command, string data, string option, string value)
    {
        using var dir = new TempFolder();
        var model = dir.File("model.zip");
        ClassicCli.Json(command, "--data", data, option, value, "--out", model);
        var inProcess = dir.File("a.csv");
        ClassicCli.Json("score", "--model", model, "--data", data, "--output", inProcess);
        var fresh = dir.File("b.csv");
        var (code, _, stderr) = ClassicCli.FreshProcess("score", "--model", model, "--data", data, "--output", fresh);
        Assert.True(code == 0, stderr);
        Assert.Equal(File.ReadAllText(inProcess), File.ReadAllText(fresh));
    }

    [Fact]
    public void The_label_column_may_be_absent_and_columns_may_come_in_any_order()
    {
        using var dir = new TempFolder();
        var model = dir.File("iris.zip");
        ClassicCli.Json("classify", "--data", "iris", "--out", model);
        var csv = dir.Write("unlabelled.csv",
            "petal width (cm),petal length (cm),sepal width (cm),sepal length (cm)\n0.2,1.4,3.5,5.1\n2.3,5.4,3.0,6.2\n");
        var output = dir.File("out.csv");
        ClassicCli.Json("score", "--model", model, "--data", csv, "--output", output);
        var scored = CsvReader.Read(output);
        Assert.Equal([0.0, 2.0], scored.Column("PredictedClass"));
    }
}
