using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Pipelines.Neural;
using NeuralPipelines.Pipelines.Tabular;

namespace NeuralPipelines.Onnx.Tests.Support;

/// <summary>The shipped iris table with its 0/1/2 target written as the species names (scikit-learn's target_names order),
/// and a small network trained on it through ML.NET the usual way (MapValueToKey on the text label), shared by the tests.</summary>
public static class IrisFlowers
{
    public static readonly string[] Species = ["setosa", "versicolor", "virginica"];

    public sealed class Flower
    {
        [VectorType(4)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    public static Flower[] All()
    {
        var table = CsvReader.Read(ShippedData.Tabular("iris.csv"));
        var features = table.ColumnNames.Where(n => n != "target").Select(table.Column).ToArray();
        var target = table.Column("target");
        return Enumerable.Range(0, table.RowCount)
            .Select(r => new Flower { Features = features.Select(c => (float)c[r]).ToArray(), Label = Species[(int)target[r]] }).ToArray();
    }

    /// <summary>An ML.NET zip of ML.NET's own multiclass trainer (L-BFGS maximum entropy) fitted on the whole shipped iris
    /// table, saved to <paramref name="zip"/>; returns the table it was fitted on.</summary>
    public static TabularDataset SaveMaxEntZip(string zip)
    {
        var iris = TabularDataset.ReadCsv(ShippedData.Tabular("iris.csv"), "target");
        var ml = new MLContext(1);
        var run = TabularClassification.Train(ml, iris, ClassificationTrainer.Lbfgs, iris.Classes);
        ModelFile.Save(ml, run.Pipeline, run.InputSchema, zip);
        return iris;
    }

    public static IEstimator<ITransformer> Pipeline(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkOptions
            {
                HiddenLayers = [16], Epochs = 60, BatchSize = 10, LearningRate = 0.1f, Normalize = true, ValidationFraction = 0.1, Seed = 5,
            }));

    /// <summary>Trained once on 70% of the flowers (seeded split); the other 30% are held out.</summary>
    public static readonly Lazy<(ITransformer Model, IDataView Train, IDataView Test)> Trained = new(() =>
    {
        var ml = new MLContext(1);
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(All()), testFraction: 0.3, seed: 2);
        return (Pipeline(ml).Fit(split.TrainSet), split.TrainSet, split.TestSet);
    });

    /// <summary>The network inside a fitted <see cref="Pipeline"/> (its last transformer).</summary>
    public static NeuralNetworkTransformer Network(ITransformer pipeline) =>
        pipeline is TransformerChain<NeuralNetworkTransformer> chain ? chain.LastTransformer
        : throw new InvalidOperationException("The pipeline does not end with the network.");

    /// <summary>Writes flowers as a CSV with the four measurements and a "species" text column.</summary>
    public static void WriteCsv(IEnumerable<Flower> flowers, string path, string labelName = "species")
    {
        var lines = new List<string> { $"sepal length (cm),sepal width (cm),petal length (cm),petal width (cm),{labelName}" };
        lines.AddRange(flowers.Select(f => string.Join(',', f.Features.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "," + f.Label));
        File.WriteAllLines(path, lines);
    }
}
