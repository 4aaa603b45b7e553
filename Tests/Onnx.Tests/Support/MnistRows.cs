using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;

namespace NeuralPipelines.Onnx.Tests.Support;

/// <summary>The shipped MNIST-10k split as ML.NET rows: a 784-float "Features" vector and an integer "Label".</summary>
public static class MnistRows
{
    public sealed class Row
    {
        [VectorType(784)] public float[] Features { get; set; } = [];
        public int Label { get; set; }
    }

    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    private static readonly Lazy<TrainTestSplit> Split = new(() => IdxImageFolder.Load(ShippedData.Mnist, "mnist"));

    public static LabelledImages Train(int count) => Split.Value.Train.Take(count);

    public static LabelledImages Test(int count) => Split.Value.Test.Take(count);

    public static Row[] Rows(LabelledImages images) =>
        Enumerable.Range(0, images.Count).Select(i => new Row { Features = images.Image(i).ToArray(), Label = images.Labels[i] }).ToArray();

    public static IDataView View(MLContext ml, LabelledImages images) => ml.Data.LoadFromEnumerable(Rows(images));
}
