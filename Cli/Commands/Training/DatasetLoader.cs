using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.Datasets;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>Turns a --data value into images through the dataset catalog: a known name (mnist, the shipped 10k split;
/// fashion-mnist, found locally or downloaded) or a folder of IDX files.</summary>
internal static class DatasetLoader
{
    public static TrainTestSplit Load(string data) => new DatasetCatalog().LoadImages(data);

    /// <summary>Keeps the first <paramref name="trainLimit"/> training and <paramref name="testLimit"/> test images (quick runs); null keeps all.</summary>
    public static TrainTestSplit Limit(TrainTestSplit split, int? trainLimit, int? testLimit) =>
        trainLimit is null && testLimit is null ? split
        : split with
        {
            Train = trainLimit is int n ? split.Train.Take(n) : split.Train,
            Test = testLimit is int m ? split.Test.Take(m) : split.Test,
        };
}
