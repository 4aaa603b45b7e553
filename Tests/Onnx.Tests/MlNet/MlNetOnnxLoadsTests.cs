using Microsoft.ML;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests.MlNet;

/// <summary>ML.NET's loads of ONNX bytes go through a temporary file with a random name, and one name in 32,768 ends in
/// <c>.ort</c>, which ONNX Runtime reads as its own format (<see cref="MlNetOnnxLoads"/>): the failure is recognised from
/// the real exception, retried, and nothing else is.</summary>
public sealed class MlNetOnnxLoadsTests
{
    private static Exception OrtNamedLoadFailure()
    {
        using var folder = new TempFolder();
        var (_, _, onnx) = TestModels.SmallMlp();
        var onnxPath = folder.File("model.onnx");
        var ortPath = folder.File("model.ort");
        File.WriteAllBytes(onnxPath, onnx);
        File.WriteAllBytes(ortPath, onnx);
        var ml = new MLContext(seed: 0);
        // The same bytes load under a .onnx name, so the name alone is what fails.
        Assert.NotNull(ml.Transforms.ApplyOnnxModel(onnxPath));
        return Assert.ThrowsAny<Exception>(() => ml.Transforms.ApplyOnnxModel(ortPath));
    }

    [Fact]
    public void The_failure_of_a_model_file_named_ort_is_recognised_and_a_malformed_model_is_not()
    {
        Assert.True(MlNetOnnxLoads.IsTemporaryNameMisread(OrtNamedLoadFailure()));

        using var folder = new TempFolder();
        var garbage = folder.File("garbage.onnx");
        File.WriteAllBytes(garbage, [1, 2, 3, 4, 5, 6, 7, 8]);
        var other = Assert.ThrowsAny<Exception>(() => new MLContext(seed: 0).Transforms.ApplyOnnxModel(garbage));
        Assert.False(MlNetOnnxLoads.IsTemporaryNameMisread(other));
    }

    [Fact]
    public void A_load_that_failed_on_its_name_is_tried_again_up_to_three_times_and_no_other_failure_is()
    {
        var misread = OrtNamedLoadFailure();
        int calls = 0;
        Assert.Equal(7, MlNetOnnxLoads.Run(() => ++calls < MlNetOnnxLoads.Attempts ? throw misread : 7));
        Assert.Equal(MlNetOnnxLoads.Attempts, calls);

        calls = 0;
        Assert.Same(misread, Assert.ThrowsAny<Exception>(() => MlNetOnnxLoads.Run<int>(() => { calls++; throw misread; })));
        Assert.Equal(MlNetOnnxLoads.Attempts, calls);

        calls = 0;
        var other = new InvalidDataException("not a model");
        Assert.Same(other, Assert.Throws<InvalidDataException>(() => MlNetOnnxLoads.Run<int>(() => { calls++; throw other; })));
        Assert.Equal(1, calls);
    }
}
