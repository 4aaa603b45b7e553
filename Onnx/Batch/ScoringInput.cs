using NeuralPipelines.Data;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.Datasets;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>How an input is read: which IDX split, whether images of another size are resized, how many threads decode.</summary>
public sealed record ScoringInputOptions
{
    /// <summary>The IDX split to score: "test" (t10k, the default: held-out images) or "train".</summary>
    public string Split { get; init; } = "test";

    /// <summary>Stretch images of another size to the model's (bicubic); off, they are refused naming both sizes.</summary>
    public bool Resize { get; init; }

    public int Threads { get; init; } = Environment.ProcessorCount;

    public long MaxPixels { get; init; } = Data.Images.ImageFile.DefaultMaxPixels;
}

/// <summary>Turns what <c>np score --data</c> names into a <see cref="IRowSource"/>: a dataset name (mnist, fashion-mnist,
/// a shipped table), a CSV file, an IDX folder, or a folder of images.</summary>
/// <remarks>A name wins over a same-named folder in the working directory, as in every other command
/// (<see cref="DatasetCatalog"/>); nothing is downloaded: a known dataset missing here is an error saying how to fetch it.</remarks>
public static class ScoringInput
{
    public static IRowSource Open(string data, int[] inputShape, string model, ScoringInputOptions? options = null, DatasetCatalog? catalog = null)
    {
        options ??= new ScoringInputOptions();
        catalog ??= new DatasetCatalog();
        if (catalog.Lookup(data) is not null || ShippedData.Tables.ContainsKey(data))
        {
            var location = catalog.ResolveLocal(data);
            return location.Kind == DatasetKind.Csv
                ? new CsvRows(location.Path, inputShape, model)
                : new IdxRows(location.Path, options.Split, inputShape, model);
        }
        if (Directory.Exists(data))
            return IdxImageFolder.HoldsAny(data)
                ? new IdxRows(data, options.Split, inputShape, model)
                : new ImageRows(data, inputShape, model, options.Resize, options.Threads, options.MaxPixels);
        if (File.Exists(data))
            return data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                ? new CsvRows(data, inputShape, model)
                : throw new InvalidDataException($"{data}: not something to score: give a .csv file, a folder of IDX files, a folder of images, or a dataset name.");
        throw new FileNotFoundException(
            $"{data}: no such file, folder or dataset; give a .csv file, a folder of IDX files, a folder of images (flat or one sub-folder per class), or one of {string.Join(", ", catalog.KnownNames.Concat(ShippedData.Tables.Keys))}.", data);
    }
}
