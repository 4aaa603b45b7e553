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
