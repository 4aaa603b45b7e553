using System.Text;
using Microsoft.ML;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Pipelines.Linear;
using NeuralPipelines.Pipelines.Tabular;

namespace NeuralPipelines.Pipelines.Tests.Tabular;

/// <summary>Audit C3: np score read a whole CSV into memory before scoring it with an ML.NET pipeline (np regress/classify
/// --out), so its memory grew with the file (140 MB for 100,000 diabetes rows, 343 MB for 1,000,000); it now scores a
/// block of rows at a time.</summary>
public class TabularScorerBlocksTests
{
    private static readonly string Diabetes = ShippedData.Tabular("diabetes.csv");

    private static ITransformer Model() =>
        TabularRegression.Train(new MLContext(seed: 1), TestData.Diabetes, new RegressionSettings { Method = RegressionMethod.ClosedForm }).Pipeline;

    private static string Scored(Func<Action<Action<Stream>>, int> score)
    {
        using var output = new MemoryStream();
        score(write => write(output));
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public void Blocks_score_to_the_same_text_as_the_whole_table()
    {
        var model = Model();
        var whole = Scored(output => TabularScorer.Score(model, CsvReader.Read(Diabetes), "diabetes.zip", output));
        var blocks = Scored(output => TabularScorer.Score(model, CsvBlocks.Read(Diabetes, 100), "diabetes.zip", output));
        Assert.Equal(whole, blocks);
        Assert.Equal(443, whole.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Each_block_is_written_before_the_next_is_read()
    {
        var model = Model();
        using var output = new MemoryStream();
        var blocks = CsvBlocks.Read(Diabetes, 100).Select((block, i) =>
        {
            // Block i is asked for only after blocks 0 … i − 1 are out: the header and 100 rows each.
            int lines = Encoding.UTF8.GetString(output.ToArray()).Count(c => c == '\n');
            Assert.True(i == 0 || lines == 1 + 100 * i, $"block {i} was read with {lines} lines written");
            return block;
        });
        Assert.Equal(442, TabularScorer.Score(model, blocks, "diabetes.zip", write => write(output)));
    }
}

/// <summary>Audit C4: a row near float32's limits made an ML.NET pipeline answer ±∞ or NaN, which np score wrote into the
/// predictions as a result (NaN probabilities with PredictedClass 0); the ONNX route refuses such a score, naming the row.</summary>
public class TabularScorerFiniteTests
{
    [Theory]
    [InlineData("diabetes.csv", 3e38)]
    [InlineData("diabetes.csv", -3e38)]
    [InlineData("iris.csv", 3e38)]
    [InlineData("breast_cancer.csv", 3e38)]
    public void A_score_that_overflows_is_an_error_naming_the_row(string file, double huge)
    {
        var shipped = CsvReader.Read(ShippedData.Tabular(file));
        var model = file switch
        {
            "diabetes.csv" => TabularRegression.Train(new MLContext(seed: 1), TestData.Diabetes, new RegressionSettings { Method = RegressionMethod.ClosedForm }).Pipeline,
            "iris.csv" => TabularClassification.Train(new MLContext(seed: 1), TestData.Iris, ClassificationTrainer.Lbfgs, TestData.Iris.Classes).Pipeline,
            _ => TabularClassification.Train(new MLContext(seed: 1), TestData.BreastCancer, ClassificationTrainer.Lbfgs, TestData.BreastCancer.Classes).Pipeline,
        };
        // Row 0 as shipped, row 1 every cell at the edge of float32.
        var columns = shipped.ColumnNames.Select(n => new[] { shipped.Column(n)[0], huge }).ToArray();
        var table = new CsvTable("huge.csv", shipped.ColumnNames, columns);
        var e = Assert.Throws<InvalidDataException>(() => TabularScorer.Score(model, table, "model.zip", write => write(Stream.Null)));
        Assert.True(e.Message.Contains("huge.csv: row 1:"), e.Message);
        Assert.Contains("model.zip", e.Message);
    }
}

/// <summary>Audit C7: a CSV that already had the columns a pipeline writes (yesterday's predictions, scored again with a
/// retrained model) was refused with "the model adds no numeric prediction column to write", blaming the model; its
/// columns are now the new predictions, written once, in place of the old ones.</summary>
public class TabularScorerRescoreTests
{
    [Theory]
    [InlineData("diabetes.csv")]
    [InlineData("breast_cancer.csv")]
    [InlineData("iris.csv")]
    public void A_predictions_file_scores_again_to_itself(string file)
    {
        var model = file switch
        {
            "diabetes.csv" => TabularRegression.Train(new MLContext(seed: 1), TestData.Diabetes, new RegressionSettings { Method = RegressionMethod.ClosedForm }).Pipeline,
            "iris.csv" => TabularClassification.Train(new MLContext(seed: 1), TestData.Iris, ClassificationTrainer.Lbfgs, TestData.Iris.Classes).Pipeline,
            _ => TabularClassification.Train(new MLContext(seed: 1), TestData.BreastCancer, ClassificationTrainer.Lbfgs, TestData.BreastCancer.Classes).Pipeline,
        };
        using var dir = new NeuralPipelines.Tests.TempFolder();
        var once = dir.File("once.csv");
        TabularScorer.Score(model, CsvReader.Read(ShippedData.Tabular(file)), "model.zip", once);
        var twice = dir.File("twice.csv");
        TabularScorer.Score(model, CsvReader.Read(once), "model.zip", twice);
        // The same columns with the same values (ML.NET may place a column that replaces another beside it, so the
        // order of the model's columns can differ).
        var (first, second) = (CsvReader.Read(once), CsvReader.Read(twice));
        Assert.Equal(first.ColumnNames.Order(), second.ColumnNames.Order());
        foreach (var name in first.ColumnNames) Assert.Equal(first.Column(name), second.Column(name));
    }
}
