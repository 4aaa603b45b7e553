using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Cli;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary><c>np validate</c> on good models of each format and on the bad inputs a user meets: a truncated or corrupt
/// ONNX file, a model whose input shape does not match the data, a wrong column type, a zip that is not an ML.NET model.
/// Each bad input gives one line on stderr, a non-zero exit, and no report file.</summary>
public sealed class ExportValidateCommandTests
{
    /// <summary>An untrained 784 → 10 model: enough to exercise loading and scoring.</summary>
    private static byte[] DigitsOnnx(int[] inputShape) =>
        OnnxExporter.ExportBytes(new Dense(inputShape.Aggregate(1, (a, b) => a * b), 10, Initializer.Scaled, new Random(1)),
            new ModelCard { Architecture = "dense", InputShape = inputShape, ClassLabels = Enumerable.Range(0, 10).Select(i => $"{i}").ToArray() });

    private static void AssertRefused(TempFolder temp, string model, params string[] expected)
    {
        var report = temp.File("report.json");
        var (code, stdout, err) = Np("validate", "--model", model, "--limit", "50", "--report", report);
        Assert.NotEqual(0, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("np validate: error: ", line);
        foreach (var e in expected) Assert.Contains(e, line);
        Assert.False(File.Exists(report), "a report was written for a failed validation");
    }

    [Fact]
    public void A_good_onnx_model_is_scored_and_reported()
    {
        using var temp = new TempFolder();
        var onnx = temp.File("digits.onnx");
        File.WriteAllBytes(onnx, DigitsOnnx([1, 28, 28]));
        var report = temp.File("report.json");
        var (code, stdout, err) = Np("validate", "--model", onnx, "--limit", "100", "--report", report, "--json");
        Assert.True(code == 0, err);
        Assert.Contains("\"images\": 100", stdout);
        Assert.True(File.Exists(report));
    }

    [Fact]
    public void A_truncated_onnx_file_is_refused()
    {
        using var temp = new TempFolder();
        var bytes = DigitsOnnx([1, 28, 28]);
        var onnx = temp.File("truncated.onnx");
        File.WriteAllBytes(onnx, bytes[..(bytes.Length / 3)]);
        AssertRefused(temp, onnx, onnx, "ONNX");
    }

    [Fact]
    public void A_corrupt_onnx_file_is_refused()
    {
        using var temp = new TempFolder();
        var bytes = DigitsOnnx([1, 28, 28]);
        new Random(5).NextBytes(bytes.AsSpan(10, 200));
        var onnx = temp.File("corrupt.onnx");
        File.WriteAllBytes(onnx, bytes);
        AssertRefused(temp, onnx, onnx);
    }

    [Fact]
    public void A_model_whose_input_shape_does_not_match_the_data_names_both_shapes()
    {
        using var temp = new TempFolder();
        var onnx = temp.File("cifar-shaped.onnx");
        File.WriteAllBytes(onnx, DigitsOnnx([3, 32, 32]));
        AssertRefused(temp, onnx, "[3×32×32]", "[1×28×28]");
    }

    [Fact]
    public void An_mlnet_model_whose_input_column_has_the_wrong_type_is_refused()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new DoubleRow { Features = new double[784] } });
        var model = ml.Transforms.Conversion.ConvertType("Features", outputKind: DataKind.Single).Fit(data);
        var zip = temp.File("doubles.zip");
        ml.Model.Save(model, data.Schema, zip);
        AssertRefused(temp, zip, "the model's input column 'Features' is Vector<Double, 784>; images and feature rows are given as a known-size vector of Single."); // quoted by docs/ONNX.md
    }

    [Fact]
    public void A_zip_that_is_not_an_mlnet_model_is_refused()
    {
        using var temp = new TempFolder();
        var zip = temp.File("photos.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        using (var w = new StreamWriter(archive.CreateEntry("readme.txt").Open()))
            w.Write("holiday photos");
        AssertRefused(temp, zip, zip, "not an ML.NET model");
    }

    [Fact]
    public void A_good_mlnet_zip_is_scored_like_its_onnx_model()
    {
        using var temp = new TempFolder();
        var bytes = DigitsOnnx([1, 28, 28]);
        var onnx = temp.File("digits.onnx");
        File.WriteAllBytes(onnx, bytes);
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new FloatRow { Features = new float[784] } });
        var zip = temp.File("digits.zip");
        ml.Model.Save(OnnxModelEstimators.Create(ml, bytes, "Features").Fit(data), data.Schema, zip);

        var (code1, out1, err1) = Np("validate", "--model", onnx, "--limit", "200", "--json");
        var (code2, out2, err2) = Np("validate", "--model", zip, "--limit", "200", "--json");
        Assert.True(code1 == 0, err1);
        Assert.True(code2 == 0, err2);
        string Confusion(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("confusion").GetRawText();
        Assert.Equal(Confusion(out1), Confusion(out2));
        Assert.Contains("\"format\": \"mlnet\"", out2);
    }

    [Fact]
    public void Falling_below_the_minimum_accuracy_fails_the_gate_without_a_report()
    {
        using var temp = new TempFolder();
        var onnx = temp.File("untrained.onnx");
        File.WriteAllBytes(onnx, DigitsOnnx([1, 28, 28]));
        var report = temp.File("report.json");
        var (code, _, err) = Np("validate", "--model", onnx, "--limit", "100", "--min-accuracy", "0.9", "--report", report);
        Assert.Equal(1, code);
        Assert.Contains("below the required 90.00%", err);
        Assert.False(File.Exists(report));
    }

    /// <summary>Audit L3: --min-accuracy 95 (a percentage) was a gate of 9500 %, -1 one that always passed, NaN one that
    /// never did; a minimum outside [0, 1] is refused before the model is read.</summary>
    [Theory]
    [InlineData("95")]
    [InlineData("2")]
    [InlineData("-1")]
    [InlineData("NaN")]
    public void A_minimum_accuracy_that_is_not_a_fraction_is_refused(string minimum)
    {
        using var temp = new TempFolder();
        var onnx = temp.File("untrained.onnx");
        File.WriteAllBytes(onnx, DigitsOnnx([1, 28, 28]));
        var report = temp.File("report.json");
        AssertFailsWithOneLine("validate", ["validate", "--model", onnx, "--limit", "10", "--min-accuracy", minimum, "--report", report],
            $"--min-accuracy {minimum} is not a fraction from 0 to 1; write 0.95 for 95%.");
        Assert.False(File.Exists(report));
    }

    /// <summary>Audit M9: --limit 0 was refused by the library as "The limit on test images", naming no option.</summary>
    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void A_limit_below_one_is_refused_naming_the_option(string limit)
    {
        using var temp = new TempFolder();
        var onnx = temp.File("untrained.onnx");
        File.WriteAllBytes(onnx, DigitsOnnx([1, 28, 28]));
        AssertFailsWithOneLine("validate", ["validate", "--model", onnx, "--limit", limit], $"--limit must be at least 1, got {limit}.");
    }

    /// <summary>Audit M10: a class with no image among those scored has no recall; --json wrote the string "NaN" among numbers.</summary>
    [Fact]
    public void A_class_absent_from_the_scored_images_has_a_null_recall_in_json()
    {
        using var temp = new TempFolder();
        var onnx = temp.File("untrained.onnx");
        File.WriteAllBytes(onnx, DigitsOnnx([1, 28, 28]));
        var (code, stdout, err) = Np("validate", "--model", onnx, "--limit", "3", "--json");
        Assert.True(code == 0, err);
        var recall = System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetProperty("recall").EnumerateObject().Select(p => p.Value.ValueKind).ToArray();
        Assert.Equal(10, recall.Length);
        Assert.Contains(System.Text.Json.JsonValueKind.Null, recall); // three images cannot cover ten classes
        Assert.All(recall, k => Assert.True(k is System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.Null, $"{k}"));
    }

    /// <summary>Audit M6: ONNX Runtime wrote its own coloured warnings to stderr (here: "only *guarantees* support for
    /// models stamped with opset version 7 or above", twice more for its transpose optimizer) beside np's output.</summary>
    [Fact]
    public void Onnx_runtimes_warnings_do_not_reach_stderr()
    {
        using var temp = new TempFolder();
        var onnx = temp.File("opset1.onnx");
        var model = global::Onnx.ModelProto.Parser.ParseFrom(DigitsOnnx([1, 28, 28]));
        // A foreign graph ONNX Runtime still runs at opset 1: Flatten, 784 scores per image.
        var graph = new global::Onnx.GraphProto { Name = "g" };
        graph.Input.Add(model.Graph.Input[0]);
        var output = model.Graph.Input[0].Clone();
        output.Name = "scores";
        output.Type.TensorType.Shape.Dim.RemoveAt(3);
        output.Type.TensorType.Shape.Dim.RemoveAt(2);
        output.Type.TensorType.Shape.Dim[1].DimValue = 784;
        graph.Output.Add(output);
        var flatten = new global::Onnx.NodeProto { OpType = "Flatten", Name = "f" };
        flatten.Input.Add(model.Graph.Input[0].Name);
        flatten.Output.Add("scores");
        graph.Node.Add(flatten);
        var old = new global::Onnx.ModelProto { IrVersion = 3, Graph = graph };
        old.OpsetImport.Add(new global::Onnx.OperatorSetIdProto { Domain = "", Version = 1 });
        File.WriteAllBytes(onnx, Google.Protobuf.MessageExtensions.ToByteArray(old));
        // Native stderr: only a child process shows it.
        var (code, stdout, err) = FreshProcess("validate", "--model", onnx, "--limit", "5");
        Assert.True(code == 0, err);
        Assert.Contains("accuracy", stdout);
        Assert.Equal("", err);
    }

    private sealed class DoubleRow
    {
        [VectorType(784)] public double[] Features { get; set; } = [];
    }

    private sealed class FloatRow
    {
        [VectorType(784)] public float[] Features { get; set; } = [];
    }
}
