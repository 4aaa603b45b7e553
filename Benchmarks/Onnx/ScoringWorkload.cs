using NeuralPipelines.Models.Losses;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Benchmarks.Onnx;

/// <summary>The scoring workload of the ONNX benchmarks: the MLP 784-100-10 (ReLU, softmax outputs) exported to ONNX, and
/// 10,000 MNIST rows (the shipped split's 8,000 training and 2,000 test images) as floats and as an ML.NET IDataView.</summary>
public sealed class ScoringWorkload
{
    public const int Rows = 10_000;

    public ScoringWorkload()
    {
        var split = IdxImageFolder.Load(ShippedData.Mnist, "mnist");
        Pixels = [.. split.Train.Pixels, .. split.Test.Pixels];
        if (Pixels.Length != Rows * 784) throw new InvalidOperationException($"Expected {Rows} MNIST images, got {Pixels.Length / 784}.");
        // Weights do not change the cost of scoring; a fixed seed keeps the workload the same run to run.
        var network = Mlp.Build(new MlpOptions([784, 100, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood, Seed: 7));
        Onnx = OnnxExporter.ExportBytes(network, new ModelCard { Architecture = "mlp", InputShape = [1, 28, 28], Seed = 7 });
        Ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, Rows).Select(i => new Row { Features = Pixels[(i * 784)..((i + 1) * 784)] }).ToArray();
        RowObjects = rows;
        Data = Ml.Data.LoadFromEnumerable(rows);
    }

    public float[] Pixels { get; }
    public byte[] Onnx { get; }
    public MLContext Ml { get; }
    public Row[] RowObjects { get; }

    /// <summary>The 10k rows as an ML.NET IDataView (Features: Vector&lt;Single, 784&gt;).</summary>
    public IDataView Data { get; }

    public sealed class Row
    {
        [VectorType(784)] public float[] Features { get; set; } = [];
    }

    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];
    }
}
