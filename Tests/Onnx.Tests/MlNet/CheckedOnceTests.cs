using Google.Protobuf;
using global::Onnx;
using Microsoft.ML;
using NeuralPipelines.Onnx.Integrity;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests.MlNet;

/// <summary>An estimator build parses and checks the model once (<see cref="OnnxModelInfo.Classifier"/> hands its
/// <see cref="CheckedModel"/> to <see cref="NamedScoreOutput"/>), and a damaged file is still refused, never re-stamped.</summary>
public sealed class CheckedOnceTests
{
    private static byte[] Damaged(byte[] onnx)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        var w = model.Graph.Initializer.First(i => i.Dims.Count == 2);
        var raw = w.RawData.ToByteArray();
        raw[9] ^= 1; // one weight's low mantissa bit: finite and plausible, so only the checksum can tell
        w.RawData = ByteString.CopyFrom(raw);
        return model.ToByteArray();
    }

    [Fact]
    public void A_damaged_model_is_refused_by_the_estimator_with_or_without_labels_given()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var damaged = Damaged(onnx);
        foreach (var labels in new[] { null, new[] { "a", "b", "c" } })
        {
            var e = Assert.Throws<InvalidDataException>(() => OnnxModelEstimators.Create(new MLContext(1), damaged, "Features", classLabels: labels));
            Assert.Contains("CRC-32C", e.Message);
        }
        Assert.Contains("CRC-32C", Assert.Throws<InvalidDataException>(() => NamedScoreOutput.Add(damaged, "probabilities", "Score", ["a", "b", "c"])).Message);
    }

    [Fact]
    public void The_checked_model_gives_the_same_copy_as_the_bytes_and_the_copy_passes_the_check()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var (model, labels, inputLength) = OnnxModelInfo.Classifier(onnx);
        Assert.Equal(16, inputLength);
        Assert.Equal(OnnxModelInfo.ClassLabels(onnx), labels);
        var fromChecked = NamedScoreOutput.Add(model, "probabilities", "Score", labels);
        var fromBytes = NamedScoreOutput.Add(onnx, "probabilities", "Score", labels);
        Assert.Equal(fromBytes, fromChecked);
        // The copy carries a renewed checksum that the check accepts, and the labels given replace none of the model's facts.
        var copy = OnnxIntegrity.Check(fromChecked, "copy");
        Assert.True(OnnxChecksum.Verify(copy, "copy"));
        Assert.Equal(["x", "y", "z"], OnnxModelInfo.Classifier(onnx, ["x", "y", "z"]).ClassLabels);
    }
}
