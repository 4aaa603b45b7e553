using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace NeuralPipelines.Pipelines.Linear;

/// <summary>Writes a <see cref="LinearModel"/> as a two-node ONNX graph, Score = MatMul(Features, w) + b.</summary>
/// <remarks>
/// This is how our own linear models persist inside an ML.NET zip: ML.NET cannot save a user-written transformer, but
/// it saves its own OnnxTransformer together with the ONNX bytes, and loads it back with no code of ours.
/// The input is one row, shape [d] (ML.NET's OnnxTransformer feeds one row at a time), and the output has shape [1]:
/// ML.NET 5's OnnxTransformer cannot produce a scalar column from a tensor output (its scalar path expects ONNX
/// sequences of maps), so Score is a one-slot float vector, read as <c>[VectorType(1)] float[] Score</c>.
/// The weights are float32 (ONNX Runtime and ML.NET columns are float32); the double-precision coefficients also travel
/// in the model's metadata so nothing the fit found is lost.
/// </remarks>
public static class LinearModelOnnx
{
    public const int Opset = 17;

    public static byte[] Build(LinearModel model, string inputName = "Features", string outputName = "Score")
    {
        var d = model.Coefficients.Length;
        var graph = new GraphProto { Name = "linear_regression" };
        graph.Input.Add(TensorValue(inputName, [d]));
        graph.Output.Add(TensorValue(outputName, [1]));

        var weights = new TensorProto { Name = "coefficients", DataType = (int)TensorProto.Types.DataType.Float };
        weights.Dims.Add(d);
        weights.Dims.Add(1);
        weights.FloatData.AddRange(model.Coefficients.Select(c => (float)c));
        var bias = new TensorProto { Name = "intercept", DataType = (int)TensorProto.Types.DataType.Float };
        bias.Dims.Add(1);
        bias.FloatData.Add((float)model.Intercept);
        graph.Initializer.Add(weights);
        graph.Initializer.Add(bias);

        var matMul = new NodeProto { Name = "weighted_sum", OpType = "MatMul" };
        matMul.Input.Add(inputName);
        matMul.Input.Add("coefficients");
        matMul.Output.Add("weighted_sum");
        var add = new NodeProto { Name = "add_intercept", OpType = "Add" };
        add.Input.Add("weighted_sum");
        add.Input.Add("intercept");
        add.Output.Add(outputName);
        graph.Node.Add(matMul);
        graph.Node.Add(add);

        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "NeuralPipelines",
            ProducerVersion = typeof(LinearModelOnnx).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = "Linear regression: Score = Features · coefficients + intercept.",
            Graph = graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "feature_names", Value = string.Join('\n', model.FeatureNames) });
        proto.MetadataProps.Add(new StringStringEntryProto
        {
            Key = "coefficients_double",
            Value = string.Join('\n', model.Coefficients.Select(c => c.ToString("R", CultureInfo.InvariantCulture))),
        });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "intercept_double", Value = model.Intercept.ToString("R", CultureInfo.InvariantCulture) });
        return proto.ToByteArray();
    }

    private static ValueInfoProto TensorValue(string name, int[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var dim in shape) tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape },
            },
        };
    }
}
