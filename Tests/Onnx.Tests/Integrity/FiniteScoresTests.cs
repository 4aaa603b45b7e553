using NeuralPipelines.Onnx.Integrity;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests.Integrity;

/// <summary>Inputs near float32's limits make a finite model answer ∞; the scores are refused naming the row.</summary>
public class FiniteScoresTests
{
    [Fact]
    public void A_row_that_overflows_the_model_is_named_and_ordinary_rows_pass()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        using var scorer = new OnnxScorer(onnx, new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } }, "m.onnx");
        var x = TestModels.RandomRows(3, 16, 4);
        var ordinary = scorer.Score(x, 3);
        FiniteScores.Ensure(ordinary, scorer.OutputLength, "m.onnx", "d.csv", 100);

        for (int j = 0; j < 16; j++) x[16 + j] = 3e38f; // row 1: every value near float32's largest
        var scores = scorer.Score(x, 3);
        Assert.Contains(scores, s => !float.IsFinite(s));
        var e = Assert.Throws<InvalidDataException>(() => FiniteScores.Ensure(scores, scorer.OutputLength, "m.onnx", "d.csv", 100));
        Assert.StartsWith("d.csv: row 101: m.onnx answers", e.Message);
    }
}
