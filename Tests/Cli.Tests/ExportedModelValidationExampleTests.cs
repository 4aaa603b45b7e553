using NeuralPipelines.Onnx.Validation;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

/// <summary>The example for users: a test that loads a model trained and saved by <c>np train</c> (and its ONNX export)
/// and asserts it still meets its accuracy on a held-out set. README's "Validating a saved model" shows the same.</summary>
public sealed class ExportedModelValidationExampleTests : IClassFixture<ExportedModelValidationExampleTests.TrainedModel>
{
    /// <summary>In a user's suite the model file already exists; here np train makes it once for the class.</summary>
    public sealed class TrainedModel : IDisposable
    {
        private readonly TempFolder _temp = new();

        public TrainedModel()
        {
            Checkpoint = _temp.File("digits.ckpt");
            Onnx = _temp.File("digits.onnx");
            ClassicCli.Succeeds("train", "mlp", "--layers", "784,32,10", "--activation", "relu", "--init", "he", "--cost", "log-likelihood",
                "--epochs", "2", "--train-limit", "3000", "--lr", "0.05", "--batch-size", "20", "--no-train-eval", "--out", Checkpoint);
            ClassicCli.Succeeds("export", "--model", Checkpoint, "--out", Onnx);
        }

        public string Checkpoint { get; }
        public string Onnx { get; }

        public void Dispose() => _temp.Dispose();
    }

    private readonly TrainedModel _model;

    public ExportedModelValidationExampleTests(TrainedModel model) => _model = model;

    [Fact]
    public void The_saved_checkpoint_still_meets_its_accuracy_on_held_out_digits()
    {
        using var model = SavedModel.Load(_model.Checkpoint);
        model.Evaluate("mnist")
            .AssertAccuracyAtLeast(0.85)
            .AssertMatchesRecordedAccuracy(tolerance: 0.001);
    }

    [Fact]
    public void Its_onnx_export_predicts_the_same_classes_as_the_checkpoint()
    {
        using var checkpoint = SavedModel.Load(_model.Checkpoint);
        using var onnx = SavedModel.Load(_model.Onnx);
        var a = checkpoint.Evaluate("mnist");
        var b = onnx.Evaluate("mnist").AssertAccuracyAtLeast(0.85).AssertEveryClassRecallAtLeast(0.5);
        Assert.Equal("onnx", onnx.Format);
        Assert.Equal(a.Confusion, b.Confusion);
        Assert.NotNull(b.LogLoss);
    }

    [Fact]
    public void A_label_outside_the_models_classes_is_named_before_anything_is_allocated_for_it()
    {
        // Issue 13: a damaged label of 60,000 once sized a 60,000² confusion matrix.
        using var model = SavedModel.Load(_model.Onnx);
        var test = new NeuralPipelines.Data.Catalog.DatasetCatalog().LoadImages("mnist").Test.Take(50);
        var labels = test.Labels.ToArray();
        labels[17] = 60_000;
        var damaged = new NeuralPipelines.Data.Datasets.LabelledImages("damaged.idx", test.Pixels, labels, test.Channels, test.Height, test.Width, 60_001);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ArgumentException>(() => model.Evaluate(damaged));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Equal("damaged.idx: image 17 has label 60000 but " + _model.Onnx + " has 10 classes (labels 0 to 9).", e.Message);
    }

    [Fact]
    public void A_model_that_falls_short_fails_with_one_readable_message()
    {
        using var model = SavedModel.Load(_model.Onnx);
        var e = Assert.Throws<ModelValidationException>(() => model.Evaluate("mnist", limit: 500).AssertAccuracyAtLeast(0.9999));
        Assert.Contains(_model.Onnx, e.Message);
        Assert.Contains("below the required 99.99", e.Message);
        Assert.Contains("worst class", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
