using System.Runtime.InteropServices;
using global::Onnx;
using Google.Protobuf;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Integrity;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests;

/// <summary>The export parity check can fail: an exported model with one weight, bias or batch-norm value changed, or with
/// the transposed convolution's bias dropped, must be caught by the same <see cref="ExportParity"/> the parity tests use.
/// Each spoilt model is stamped with a fresh checksum, as a faulty exporter would write it, so that it is the parity
/// comparison that has to catch the error, not <see cref="OnnxChecksum"/>.</summary>
public sealed class PlantedExportErrorTests
{
    /// <summary>The layer cases whose every float initializer reaches the output for any input (no ReLU that a value could
    /// hide behind), covering dense, convolution, transposed convolution, both batch norms and a residual projection.</summary>
    public static TheoryData<string> Cases => new("dense", "conv2d", "conv_transpose2d", "batch_norm2d", "batch_norm1d", "residual_projection");

    private static ParityReport Check(string name, byte[] onnx)
    {
        var (network, card) = LayerCases.Build(name);
        return ExportParity.Check(network, card, onnx, RealValues.Signed(3, card.InputLength, seed: 11));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_changed_value_in_any_initializer_is_caught(string name)
    {
        var (network, card) = LayerCases.Build(name);
        var model = OnnxExporter.Export(network, card);
        Assert.True(Check(name, model.ToByteArray()).Passed, $"{name}: the unspoilt export must pass");

        var floats = model.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float).Select(t => t.Name).ToArray();
        Assert.NotEmpty(floats);
        var missed = new List<string>();
        foreach (var initializer in floats)
        {
            var spoilt = model.Clone();
            var t = spoilt.Graph.Initializer.Single(i => i.Name == initializer);
            var values = MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
            int at = values.Length / 2;
            // Large enough to be a real defect, small enough to stay in range (a variance stays positive).
            values[at] += 0.25f * Math.Max(1f, Math.Abs(values[at]));
            t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
            OnnxChecksum.Stamp(spoilt);
            var report = Check(name, spoilt.ToByteArray());
            if (report.Passed) missed.Add($"{initializer} (error {report.MaxError:g3})");
        }
        Assert.True(missed.Count == 0, $"{name}: a changed value went unnoticed in {string.Join(", ", missed)}");
    }

    [Fact]
    public void A_dropped_transposed_convolution_bias_is_caught()
    {
        var (network, card) = LayerCases.Build("conv_transpose2d");
        var model = OnnxExporter.Export(network, card);
        var node = Assert.Single(model.Graph.Node, n => n.OpType == "ConvTranspose");
        Assert.Equal(3, node.Input.Count);
        node.Input.RemoveAt(2);
        OnnxChecksum.Stamp(model);
        var report = Check("conv_transpose2d", model.ToByteArray());
        Assert.False(report.Passed, $"dropping the bias changed the output by only {report.MaxError:g3}");
    }
}
