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

    /// <summary>S4: ML.NET's SDCA on 40 rows of y = 2a − b + noise gave R² −7217 on its own training rows and coefficients
    /// 110 and 225, printed as a result with exit 0.</summary>
    [Fact]
    public void Sdca_that_fits_worse_than_the_mean_on_its_training_rows_is_refused()
    {
        using var dir = new TempFolder();
        var csv = dir.Write("forty.csv", "a,b,y\n0.3829,-0.8757,1.4901\n1.7534,-0.1113,3.5492\n0.1443,-0.1914,0.5651\n0.0339,0.0137,-0.0174\n0.4696,-1.0339,2.0396\n1.5239,-1.5247,4.3259\n0.6169,2.5479,-1.4142\n-1.2507,0.5890,-3.1744\n-0.5060,-0.3481,-0.6107\n-0.4053,0.2779,-1.1061\n-0.8447,-0.3198,-1.4646\n0.0065,-1.1239,1.0276\n1.4570,-0.0532,2.9617\n0.5115,-0.4209,1.4211\n0.4251,0.2824,0.4520\n0.8333,-0.5904,2.1515\n-0.9005,-0.3905,-1.2477\n-1.1755,0.1601,-2.7249\n-0.0016,0.8996,-0.9264\n-0.6294,0.2315,-1.4202\n0.6637,1.9725,-0.6242\n-0.5924,-0.1260,-1.0661\n0.1087,-0.0300,0.2649\n-1.6709,0.8296,-4.2288\n-1.1732,0.6378,-2.8523\n0.4930,0.1612,0.7317\n2.8716,0.8803,4.7489\n-0.7796,0.0870,-1.8017\n0.1686,-0.4591,0.9190\n0.9622,-2.7113,4.6398\n-1.6175,1.1096,-4.3278\n0.5484,-1.0651,2.3448\n2.0201,-1.0648,5.1422\n-0.6733,-0.0236,-1.4496\n1.8671,-0.9692,4.6739\n0.5015,-0.6476,1.6266\n-0.5636,-0.1335,-1.1109\n-0.4380,-0.2069,-0.7025\n0.0567,-0.2931,0.4818\n-0.3232,-0.1366,-0.5762\n");
        ClassicCli.AssertFailsWithOneLine("regress", ["regress", "--data", csv, "--method", "sdca"], "forty.csv", "did not converge", "closed-form or ridge");
    }
    /// <summary>S5: a binary model scored its rows' class as PredictedLabel 0 or 1 only, so labels 3 and 7 came out as 0
    /// and 1 and a user comparing them with the label saw no match; a multiclass model wrote PredictedClass. Both do now.</summary>
    [Fact]
    public void A_binary_model_scores_the_class_values_as_PredictedClass()
    {
        using var dir = new TempFolder();
        var rng = new Random(1);
        var csv = dir.Write("threes-and-sevens.csv", "a,b,label\n" + string.Concat(Enumerable.Range(0, 60).Select(i =>
        {
            int label = i % 2 == 0 ? 3 : 7;
            return FormattableString.Invariant($"{label + rng.NextDouble() - 0.5:F3},{rng.NextDouble():F3},{label}\n");
        })));
        var model = dir.File("m.zip");
        ClassicCli.Succeeds("classify", "--data", csv, "--label", "label", "--out", model);
        var scored = dir.File("p.csv");
        ClassicCli.Succeeds("score", "--model", model, "--data", csv, "--output", scored);
        var lines = File.ReadAllLines(scored);
        var header = lines[0].Split(',');
        int label = Array.IndexOf(header, "label"), predicted = Array.IndexOf(header, "PredictedClass");
        Assert.True(predicted >= 0, lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.All(rows, r => Assert.Contains(r[predicted], new[] { "3", "7" }));
        Assert.True(rows.Count(r => r[predicted] == r[label]) >= 55, "the classes are well apart: nearly every row right");
    }
}
