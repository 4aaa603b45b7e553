using NeuralPipelines.Models.Layers;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.Tests.Support;

/// <summary>Exports a network, checks parity with ONNX Runtime on a batch of 3, and (where available) runs the ONNX checker.</summary>
public static class ExportHarness
{
    public static ModelCard Card(string architecture, params int[] inputShape) => new()
    {
        Architecture = architecture,
        InputShape = inputShape,
        ClassLabels = null,
        Seed = 7,
    };

    /// <summary>Asserts parity within 1e-4 and returns the ONNX bytes.</summary>
    public static byte[] AssertParity(Layer network, ModelCard card)
    {
        var bytes = OnnxExporter.ExportBytes(network, card);
        var report = ExportParity.Check(network, card, bytes, batch: 3, seed: 11);
        Assert.True(report.Passed, $"{card.Architecture}: ONNX Runtime differs from our forward pass by {report.MaxError:g3} (abs {report.MaxAbsoluteError:g3}).");
        return bytes;
    }

    /// <summary>Writes the model and runs the official checker with full_check on it.</summary>
    public static void AssertChecked(byte[] onnx, string name)
    {
        using var temp = new TempFolder();
        var path = temp.File(name + ".onnx");
        File.WriteAllBytes(path, onnx);
        var problem = OnnxChecker.Check(path);
        Assert.True(problem is null, $"onnx.checker rejected {name}: {problem}");
    }
}
