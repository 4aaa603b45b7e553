using System.Globalization;
using Google.Protobuf;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Integrity;

namespace NeuralPipelines.Pipelines.Linear;

/// <summary>Writes a <see cref="LinearModel"/> as a two-node ONNX graph, Score = MatMul(Features, w) + b.</summary>
/// <remarks>
/// This is how our own linear models persist inside an ML.NET zip: ML.NET cannot save a user-written transformer, but
/// it saves its own OnnxTransformer together with the ONNX bytes, and loads it back with no code of ours.
/// The graph is built with the exporter's <see cref="OnnxGraphBuilder"/> and declares the project's one opset
/// (<see cref="OnnxFormat"/>), as the networks' graphs do.
/// The input is one row, shape [d] (ML.NET's OnnxTransformer feeds one row at a time), and the output has shape [1]:
/// ML.NET 5's OnnxTransformer cannot produce a scalar column from a tensor output (its scalar path expects ONNX
/// sequences of maps), so Score is a one-slot float vector, read as <c>[VectorType(1)] float[] Score</c>.
/// The weights are float32 (ONNX Runtime and ML.NET columns are float32); the double-precision coefficients also travel
/// in the model's metadata so nothing the fit found is lost.
/// </remarks>
public static class LinearModelOnnx
{
    public static byte[] Build(LinearModel model, string inputName = "Features", string outputName = "Score")
    {
        if (inputName == outputName) throw new ArgumentException($"The input and output columns must differ; both are '{inputName}'.");
        var d = model.Coefficients.Length;
        var builder = new OnnxGraphBuilder("linear_regression");
        builder.UniqueName(inputName);
        builder.UniqueName(outputName);
        builder.Graph.Input.Add(OnnxGraphBuilder.Float(inputName, [d]));
        builder.Graph.Output.Add(OnnxGraphBuilder.Float(outputName, [1]));

        var weights = builder.AddInitializer("coefficients", [d, 1], model.Coefficients.Select(c => (float)c).ToArray());
        var bias = builder.AddInitializer("intercept", [1], [(float)model.Intercept]);
        var weightedSum = builder.AddNode("MatMul", "weighted_sum", [inputName, weights]);
        builder.AddNodeWithOutput("Add", outputName, [weightedSum, bias]);

        var proto = OnnxFormat.Model(builder.Graph, typeof(LinearModelOnnx).Assembly.GetName().Version?.ToString() ?? "0",
            "Linear regression: Score = Features · coefficients + intercept.");
        OnnxFormat.AddMetadata(proto, "feature_names", string.Join('\n', model.FeatureNames));
        OnnxFormat.AddMetadata(proto, "coefficients_double",
            string.Join('\n', model.Coefficients.Select(c => c.ToString("R", CultureInfo.InvariantCulture))));
        OnnxFormat.AddMetadata(proto, "intercept_double", model.Intercept.ToString("R", CultureInfo.InvariantCulture));
        OnnxChecksum.Stamp(proto);
        return proto.ToByteArray();
    }
}
