using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

/// <summary>Every kind of bad input: one line naming the file and what is wrong, a non-zero exit, no file left behind.</summary>
public class ClassicBadInputTests
{
    [Fact]
    public void A_ragged_row_names_the_file_and_line_and_writes_no_model()
    {
        using var dir = new TempFolder();
        var csv = dir.Write("ragged.csv", "x,y,target\n1,2,3\n4,5\n");
        var model = dir.File("m.zip");
        ClassicCli.AssertFailsWithOneLine("regress", ["regress", "--data", csv, "--out", model], "ragged.csv: line 3", "2 cells");
        Assert.Empty(Directory.GetFiles(dir.Path, "*.zip*"));
        Assert.Empty(Directory.GetFiles(dir.Path, ".*"));
    }

    [Fact]
    public void A_non_numeric_cell_names_the_line_and_column()
    {
        using var dir = new TempFolder();
        var csv = dir.Write("cells.csv", "x,y,target\n1,2,0\n4,abc,1\n5,6,0\n7,8,1\n");
        ClassicCli.AssertFailsWithOneLine("classify", ["classify", "--data", csv], "cells.csv: line 3, column 2 'y'", "'abc' is not a number");
    }

    [Fact]
    public void A_missing_label_column_lists_the_columns()
    {
        ClassicCli.AssertFailsWithOneLine("regress", ["regress", "--data", "diabetes", "--label", "progression"], "diabetes.csv", "no column 'progression'", "'bmi'");
    }

    [Fact]
    public void An_empty_file_says_so()
    {
        using var dir = new TempFolder();
        var csv = dir.Write("empty.csv", "");
        ClassicCli.AssertFailsWithOneLine("regress", ["regress", "--data", csv], "empty.csv", "empty");
    }

    [Fact]
    public void A_missing_file_names_it()
    {
        ClassicCli.AssertFailsWithOneLine("regress", ["regress", "--data", "/nonexistent/table.csv"], "/nonexistent/table.csv", "no such file");
    }

    [Fact]
    public void A_folder_given_as_the_table_is_said_to_be_a_folder()
    {
        using var dir = new TempFolder();
        ClassicCli.AssertFailsWithOneLine("regress", ["regress", "--data", dir.Path], dir.Path, "is a folder, not a CSV file");
    }

    [Fact]
    public void Two_rows_of_two_classes_are_refused_for_too_few_rows_not_for_their_values()
    {
        using var dir = new TempFolder();
        var csv = dir.Write("two.csv", "x,y\n1,0\n2,1\n");
        ClassicCli.AssertFailsWithOneLine("classify", ["classify", "--data", csv], "two.csv: ", "holds 2 distinct values in only 2 rows",
            "at least two rows per class (4 rows for 2 classes)");
        var fractions = dir.Write("fractions.csv", "x,y\n1,0\n2,0.5\n3,0\n4,0.5\n5,0\n");
        ClassicCli.AssertFailsWithOneLine("classify", ["classify", "--data", fractions], "fractions.csv: ", "holds fractions (such as 0.5)", "np regress");
    }

    /// <summary>Audit K4: the stratified split keeps a class of one row out of the test rows, and ML.NET's evaluator then
    /// failed with its own words about 'PosSample'.</summary>
    [Fact]
    public void A_binary_class_of_one_row_is_named_with_the_file_and_writes_no_model()
    {
        using var dir = new TempFolder();
        var csv = dir.Write("rare.csv", "a,b,y\n1,2,0\n2,4,0\n7,1,0\n1,2,0\n5,0,0\n3,3,1\n");
        var model = dir.File("rare.zip");
        ClassicCli.AssertFailsWithOneLine("classify", ["classify", "--data", csv, "--out", model], "rare.csv: ", "all have the label 'y' = 0",
            "a class with a single row");
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void A_test_fraction_that_leaves_one_training_row_says_so_rather_than_blaming_the_columns()
    {
        var line = ClassicCli.AssertFailsWithOneLine("regress", ["regress", "--data", "diabetes", "--test-fraction", "0.999"],
            "diabetes.csv: only 1 training row left after --test-fraction 0.999 of 442", "needs at least 11 for 10 feature columns", "Lower --test-fraction");
        Assert.DoesNotContain("constant", line);
        ClassicCli.AssertFailsWithOneLine("regress", ["regress", "--data", "diabetes", "--test-fraction", "0.999", "--method", "gd"],
            "only 1 training row", "--method gd needs at least 2");
    }

    [Fact]
    public void Collinear_columns_are_named_and_ridge_is_suggested()
    {
        using var dir = new TempFolder();
        var csv = dir.Write("collinear.csv", "a,b,twice_a,target\n1,5,2,3\n2,3,4,5\n3,8,6,4\n4,1,8,9\n5,7,10,6\n");
        ClassicCli.AssertFailsWithOneLine("regress", ["regress", "--data", csv], "collinear.csv: ", "'twice_a' is a linear combination of 'a'", "ridge");
        Assert.Equal(0, ClassicCli.Np("regress", "--data", csv, "--method", "ridge", "--lambda", "0.1").Code);
    }

    [Fact]
    public void A_file_that_is_not_a_model_names_it_and_leaves_no_output()
    {
        using var dir = new TempFolder();
        var notModel = dir.Write("notes.zip", "these are not the weights you are looking for");
        var output = dir.File("predictions.csv");
        ClassicCli.AssertFailsWithOneLine("score", ["score", "--model", notModel, "--data", "diabetes", "--output", output], "notes.zip", "not an ML.NET model");
        // Data that only an ONNX model reads (an image dataset): the model is still the one named, not "mnist: no such file".
        var empty = dir.Write("empty.zip", "");
        ClassicCli.AssertFailsWithOneLine("score", ["score", "--model", empty, "--data", "mnist", "--output", output], "empty.zip", "not an ML.NET model");
        Assert.Empty(Directory.GetFiles(dir.Path, "*.csv*"));
        Assert.Empty(Directory.GetFiles(dir.Path, ".*"));
    }

    [Fact]
    public void Data_without_the_model_columns_names_the_missing_column_and_leaves_no_output()
    {
        using var dir = new TempFolder();
        var model = dir.File("diabetes.zip");
        ClassicCli.Json("regress", "--data", "diabetes", "--out", model);
        var csv = dir.Write("partial.csv", "age,sex\n50,1\n");
        var output = dir.File("predictions.csv");
        ClassicCli.AssertFailsWithOneLine("score", ["score", "--model", model, "--data", csv, "--output", output], "partial.csv", "diabetes.zip", "bmi");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_bad_test_fraction_fails_before_any_work()
    {
        ClassicCli.AssertFailsWithOneLine("classify", ["classify", "--data", "iris", "--test-fraction", "1.5"], "--test-fraction", "1.5");
    }

    /// <summary>Audit K7: np regress named the C# parameters ("(Parameter 'epochs') Actual value was 0.") instead of its options.</summary>
    [Theory]
    [InlineData("gd", "--epochs", "0", "--epochs must be at least 1, got 0.")]
    [InlineData("gd", "--learning-rate", "-1", "--learning-rate must be a positive number, got -1.")]
    [InlineData("ridge", "--lambda", "-1", "--lambda must be a finite number ≥ 0, got -1.")]
    public void A_regression_option_out_of_range_is_named_as_the_option(string method, string option, string value, string line)
    {
        var error = ClassicCli.AssertFailsWithOneLine("regress", ["regress", "--data", "diabetes", "--method", method, option, value], line);
        Assert.DoesNotContain("Parameter", error);
    }
}
