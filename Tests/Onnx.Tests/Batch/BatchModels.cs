using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Onnx.Tests.Batch;

/// <summary>Models for the batch-scoring tests: an MNIST-shaped MLP (784-30-10) and an RGB 64×64 one for the photos,
/// fixed random weights (a batch run must give the scorer's own answer whatever the weights), on the CPU.</summary>
internal static class BatchModels
{
    public static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    public static OnnxScorer Mnist(int batchSize = 64) => Scorer([1, 28, 28], batchSize, Digits);

    public static OnnxScorer Photos() => Scorer([3, 64, 64], 32, null);

    /// <summary>The MNIST-shaped model's ONNX bytes, to open with options of a test's own.</summary>
    public static byte[] MnistOnnx() => Onnx([1, 28, 28], Digits);

    private static OnnxScorer Scorer(int[] shape, int batchSize, string[]? labels) =>
        new(Onnx(shape, labels), new OnnxScorerOptions { PreferCuda = false, BatchSize = batchSize, IntraOpNumThreads = 2 });

    private static byte[] Onnx(int[] shape, string[]? labels)
    {
        int length = shape.Aggregate(1, (a, b) => a * b);
        var network = Mlp.Build(new MlpOptions([length, 30, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood, Seed: 3));
        return OnnxExporter.ExportBytes(network, new ModelCard { Architecture = "mlp", InputShape = shape, ClassLabels = labels, Seed = 3 });
    }
}
