// An xUnit project that knows NeuralPipelines only through its NuGet packages: it loads the model TrainApp saved,
// in this other process, and runs the README's validation example on it. The model and the test digits come from
// the environment (NP_CONSUMER_MODELS: TrainApp's output folder; NP_CONSUMER_MNIST: a folder of IDX files).
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.Validation;
using Xunit;

public class DigitsModelTests
{
    private static string Models => Environment.GetEnvironmentVariable("NP_CONSUMER_MODELS") ?? throw new InvalidOperationException("NP_CONSUMER_MODELS is not set");
    private static string Mnist => Environment.GetEnvironmentVariable("NP_CONSUMER_MNIST") ?? throw new InvalidOperationException("NP_CONSUMER_MNIST is not set");

    // The README's example; the thresholds suit a one-epoch 784-32-10 network, and the recorded accuracy was
    // measured on held-out training rows rather than this test split, hence the wider tolerance.
    [Fact]
    public void Digits_model_still_meets_its_accuracy()
    {
        using var model = SavedModel.Load(Path.Combine(Models, "digits.onnx"));
        var evaluation = model.Evaluate(Mnist)
             .AssertAccuracyAtLeast(0.85)
             .AssertEveryClassRecallAtLeast(0.60)
             .AssertMatchesRecordedAccuracy(tolerance: 0.03);
        Console.WriteLine($"onnx_accuracy={evaluation.Accuracy}");
    }

    [Fact]
    public void The_ml_net_zip_loads_with_ml_net_alone_and_scores_as_well()
    {
        using var model = SavedModel.Load(Path.Combine(Models, "digits.zip"));
        model.Evaluate(Mnist).AssertAccuracyAtLeast(0.85);

        var ml = new MLContext();
        var transformer = ml.Model.Load(Path.Combine(Models, "digits.zip"), out var schema);
        var features = schema["Features"];
        Assert.Equal(784, ((VectorDataViewType)features.Type).Size);
    }
}
