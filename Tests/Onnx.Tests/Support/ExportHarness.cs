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

    /// <summary>Asserts parity within 1e-4 on <paramref name="input"/> (by default three rows of values of both signs,
    /// <see cref="RealValues.Signed"/>) and returns the ONNX bytes.</summary>
    public static byte[] AssertParity(Layer network, ModelCard card, float[]? input = null)
    {
        var bytes = OnnxExporter.ExportBytes(network, card);
        var report = ExportParity.Check(network, card, bytes, input ?? RealValues.Signed(3, card.InputLength, seed: 11));
        Assert.True(report.Passed, $"{card.Architecture}: ONNX Runtime differs from our forward pass by {report.MaxError:g3} (abs {report.MaxAbsoluteError:g3}).");
        return bytes;
    }

    /// <summary>Writes the models and runs the official checker with full_check on each.</summary>
    public static void AssertChecked(IEnumerable<(string Name, byte[] Onnx)> models)
    {
        using var temp = new TempFolder();
        var paths = new List<string>();
        foreach (var (name, onnx) in models)
        {
            var path = temp.File(name + ".onnx");
            File.WriteAllBytes(path, onnx);
            paths.Add(path);
        }
        var rejected = OnnxChecker.CheckAll(paths).Where(kv => kv.Value is not null).Select(kv => $"{Path.GetFileName(kv.Key)}: {kv.Value}").ToArray();
        Assert.True(rejected.Length == 0, $"onnx.checker rejected {rejected.Length} of {paths.Count} models: {string.Join(" | ", rejected)}");
    }
}
