using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.Validation;

namespace NeuralPipelines.Onnx.Tests.Validation;

/// <summary>The gates a user's test suite (and <c>np validate --min-accuracy</c>) puts on a saved model fail on a
/// deliberately bad one: an untrained LeNet-5 exported with a card that claims 95 % test accuracy, as a model whose
/// weights were lost or corrupted after training would.</summary>
public sealed class AccuracyGateTests
{
    private static readonly Lazy<ModelEvaluation> Untrained = new(() =>
    {
        var network = ModelZoo.Build("lenet5", new ZooOptions(1, 28, 28, 10, Seed: 8));
        var card = new ModelCard
        {
            Architecture = "lenet5", InputShape = [1, 28, 28], ClassLabels = Enumerable.Range(0, 10).Select(i => $"{i}").ToArray(),
            Metrics = new Dictionary<string, double> { ["test_accuracy"] = 0.95 }, Seed = 8,
        };
        using var temp = new TempFolder();
        var path = temp.File("untrained.onnx");
        File.WriteAllBytes(path, OnnxExporter.ExportBytes(network, card));
        using var model = SavedModel.Load(path);
        return model.Evaluate("mnist", limit: 400);
    });

    [Fact]
    public void The_accuracy_gate_fails_on_an_untrained_model()
    {
        var evaluation = Untrained.Value;
        Assert.True(evaluation.Accuracy < 0.5, $"an untrained LeNet-5 scored {evaluation.Accuracy:P1}");
        var e = Assert.Throws<ModelValidationException>(() => evaluation.AssertAccuracyAtLeast(0.85));
        Assert.Contains("below the required 85", e.Message);
    }

    [Fact]
    public void The_recorded_accuracy_gate_fails_when_the_model_no_longer_does_what_it_did()
    {
        var evaluation = Untrained.Value;
        Assert.Equal(0.95, evaluation.RecordedAccuracy);
        var e = Assert.Throws<ModelValidationException>(() => evaluation.AssertMatchesRecordedAccuracy(0.02));
        Assert.Contains("recorded at training time", e.Message);
    }

    [Fact]
    public void The_per_class_recall_gate_fails_on_an_untrained_model()
    {
        var e = Assert.Throws<ModelValidationException>(() => Untrained.Value.AssertEveryClassRecallAtLeast(0.5));
        Assert.Contains("recall below 50", e.Message);
    }

    private static ModelEvaluation TwoClasses(params string[] labels) => new()
    {
        Model = "m.onnx", Dataset = "d", Count = 4, Correct = 1, ClassLabels = labels,
        Confusion = [[1, 1], [2, 0]], RecordedAccuracy = 0.25,
    };

    [Fact]
    public void Class_labels_from_the_model_file_reach_a_message_as_one_short_line()
    {
        var hostile = TwoClasses("\u001b[31mzero\r\u001b[2K", new string('L', 1 << 20));
        foreach (Action gate in new Action[] { () => hostile.AssertAccuracyAtLeast(0.9), () => hostile.AssertEveryClassRecallAtLeast(0.9) })
        {
            var message = Assert.Throws<ModelValidationException>(gate).Message;
            Assert.DoesNotContain(message, char.IsControl);
            Assert.True(message.Length < 1000, $"{message.Length} characters");
        }
        Assert.Contains(" [31mzero  [2K 50.00%", Assert.Throws<ModelValidationException>(() => hostile.AssertEveryClassRecallAtLeast(0.9)).Message);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(double.NaN)]
    public void A_tolerance_that_is_not_a_fraction_is_refused_as_an_argument_not_blamed_on_the_model(double tolerance)
    {
        var e = Assert.Throws<ArgumentException>(() => TwoClasses("a", "b").AssertMatchesRecordedAccuracy(tolerance));
        Assert.StartsWith("The tolerance", e.Message);
    }
}
