using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

public class ClassicRegressTests
{
    [Fact]
    public void Closed_form_on_diabetes_prints_r2_rmse_intercept_and_coefficients_by_name()
    {
        var json = ClassicCli.Json("regress", "--data", "diabetes", "--label", "target");
        Assert.Equal(0.517748, json.GetProperty("r2").GetDouble(), 1e-5);
        Assert.Equal(53.4761, json.GetProperty("rmse").GetDouble(), 1e-3);
        Assert.True(json.GetProperty("mae").GetDouble() > 0);
        Assert.Equal(-334.567, json.GetProperty("intercept").GetDouble(), 1e-2);
        var coefficients = json.GetProperty("coefficients");
        Assert.Equal(10, coefficients.EnumerateObject().Count());
        Assert.Equal(5.60296, coefficients.GetProperty("bmi").GetDouble(), 1e-3);
        Assert.Equal(442, json.GetProperty("train_rows").GetInt32());
        Assert.Equal("training", json.GetProperty("evaluated_on").GetString());
    }

    [Fact]
    public void The_saved_zip_records_its_figures_and_SavedModel_measures_the_same_on_the_csv()
    {
        using var temp = new TempFolder();
        var zip = temp.File("diabetes.zip");
        var json = ClassicCli.Json("regress", "--data", "diabetes", "--label", "target", "--out", zip);
        using var saved = NeuralPipelines.Onnx.Validation.SavedModel.Load(zip);
        // Evaluated on the training rows (no --test-fraction), so the card says train_, not test_.
        Assert.Equal(json.GetProperty("r2").GetDouble(), saved.Card!.Metrics!["train_r_squared"], 12);
        var evaluation = saved.EvaluateRegression(NeuralPipelines.Data.ShippedData.Tabular("diabetes.csv"), "target");
        Assert.Equal(442, evaluation.Count);
        Assert.Equal(json.GetProperty("r2").GetDouble(), evaluation.RSquared, 1e-4);
        Assert.Equal(json.GetProperty("rmse").GetDouble(), evaluation.Rmse, 1e-2);
    }

    [Fact]
    public void Output_that_is_not_a_terminal_keeps_each_line_whole()
    {
        // In-process the output is a StringWriter, as it is a pipe or a CI log for the process: Spectre used to wrap it at
        // 80 columns, splitting "saved the pipeline to PATH" where grep could not find it.
        using var temp = new TempFolder();
        // Longer than any console's width that the test host could report, so the check does not depend on it.
        var zip = Path.Combine(Directory.CreateDirectory(temp.File(new string('d', 250))).FullName, "diabetes.zip");
        var (code, stdout, stderr) = ClassicCli.Np("regress", "--data", "diabetes", "--out", zip);
        Assert.True(code == 0, stderr);
        Assert.Contains($"  saved the pipeline to {zip}{Environment.NewLine}", stdout);
        // Tables keep their own width: no line is padded out to the unwrapped width.
        Assert.All(stdout.Split(Environment.NewLine), line => Assert.True(line.Length < 400, line));
    }

    [Fact]
    public void Gradient_descent_reports_its_losses_and_its_distance_to_the_closed_form()
    {
        var json = ClassicCli.Json("regress", "--data", "diabetes", "--method", "gd", "--learning-rate", "0.3", "--epochs", "3000");
        var gd = json.GetProperty("gradient_descent");
        Assert.Equal(3000, gd.GetProperty("epoch_losses").GetArrayLength());
        Assert.True(gd.GetProperty("distance_to_closed_form").GetProperty("predictions").GetDouble() < 1e-3);
        Assert.Equal(0.517748, json.GetProperty("r2").GetDouble(), 1e-4);
    }

    [Theory]
    [InlineData("ridge")]
    [InlineData("sdca")]
    [InlineData("ogd")]
    public void The_other_methods_run_with_a_test_split_and_save_a_model(string method)
    {
        using var dir = new TempFolder();
        var model = dir.File($"{method}.zip");
        var json = ClassicCli.Json("regress", "--data", "diabetes", "--method", method, "--test-fraction", "0.25", "--seed", "3", "--out", model);
        Assert.Equal("test", json.GetProperty("evaluated_on").GetString());
        Assert.Equal(110, json.GetProperty("test_rows").GetInt32()); // 0.25 × 442 = 110.5, rounded to even
        Assert.InRange(json.GetProperty("r2").GetDouble(), 0.1, 0.7);
        Assert.True(File.Exists(model));
    }

    [Fact]
    public void Help_explains_the_methods()
    {
        var (code, stdout, _) = ClassicCli.Np("regress", "--help");
        Assert.Equal(0, code);
        Assert.Contains("closed-form", stdout);
        Assert.Contains("--learning-rate", stdout);
    }
}
