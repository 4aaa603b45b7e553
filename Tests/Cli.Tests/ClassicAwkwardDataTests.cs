using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

/// <summary>Audit S: tables that are valid but awkward get a sensible figure or one line that names the cause, never NaN.</summary>
public class ClassicAwkwardDataTests
{
    /// <summary>S1: a target that never varies gave "r2": "NaN" (and "-Infinity" from ML.NET's trainers), exit 0.</summary>
    [Fact]
    public void A_constant_target_is_refused_instead_of_an_r_squared_of_nan()
    {
        using var dir = new TempFolder();
        var csv = dir.Write("constant.csv", "a,b,y\n1,2,3.5\n2,1,3.5\n3,5,3.5\n4,4,3.5\n5,0,3.5\n");
        ClassicCli.AssertFailsWithOneLine("regress", ["regress", "--data", csv, "--method", "ridge"], "constant.csv", "'y' is 3.5 in every row");
    }

    /// <summary>S1: one test row (or several with one label) gave "r2": "-Infinity".</summary>
    [Fact]
    public void A_test_split_whose_labels_are_all_equal_is_refused_as_r_squared_undefined()
    {
        using var dir = new TempFolder();
        var csv = dir.Write("ten.csv", "a,b,y\n" + string.Concat(Enumerable.Range(0, 10).Select(i => $"{i},{(i * 7) % 5},{2 * i + (i * 7) % 5 + 0.1 * (i % 3)}\n")));
        ClassicCli.AssertFailsWithOneLine("regress", ["regress", "--data", csv, "--test-fraction", "0.1"], "ten.csv", "the 1 test row", "R² is undefined");
    }

    /// <summary>S3: every feature constant gave a model that answers one class for every row (exit 0, accuracy 0.5), and
    /// regression by SDCA failed with ML.NET's "Cannot initialize linear predictor with non-finite bias", naming nothing.</summary>
    [Theory]
    [InlineData("classify", "lbfgs")]
    [InlineData("regress", "sdca")]
    [InlineData("regress", "ridge")]
    public void Features_that_never_vary_are_refused_naming_the_file(string command, string method)
    {
        using var dir = new TempFolder();
        var csv = dir.Write("flat.csv", "a,b,label\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"1,2,{i % 2}\n")));
        ClassicCli.AssertFailsWithOneLine(command, [command, "--data", csv, command == "classify" ? "--trainer" : "--method", method],
            "flat.csv", "every one of the 2 feature columns holds a single value");
    }
}
