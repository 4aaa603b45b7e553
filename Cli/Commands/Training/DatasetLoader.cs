using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>Turns a --data value into images: "mnist" is the shipped MNIST-10k split, anything else a folder of IDX files.</summary>
internal static class DatasetLoader
{
    public static TrainTestSplit Load(string data)
    {
        if (string.Equals(data, "mnist", StringComparison.OrdinalIgnoreCase) || string.Equals(data, "mnist-10k", StringComparison.OrdinalIgnoreCase))
            return IdxImageFolder.Load(ShippedData.Mnist, "mnist");
        if (Directory.Exists(data)) return IdxImageFolder.Load(data);
        throw new ArgumentException($"--data {data}: not a known dataset name (mnist) nor an existing folder of IDX files.");
    }

    /// <summary>Keeps the first <paramref name="limit"/> training images (for quick runs); null keeps all.</summary>
    public static TrainTestSplit Limit(TrainTestSplit split, int? trainLimit, int? testLimit) =>
        trainLimit is null && testLimit is null ? split
        : split with
        {
            Train = trainLimit is int n ? split.Train.Take(n) : split.Train,
            Test = testLimit is int m ? split.Test.Take(m) : split.Test,
        };
}
