using NeuralPipelines.Data.Idx;

namespace NeuralPipelines.Data.Datasets;

/// <summary>Loads an MNIST-style folder: train-images/labels and t10k-images/labels IDX files, gzip or raw.</summary>
public static class IdxImageFolder
{
    private static readonly string[] Stems = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>True when the folder holds all four files (raw or .gz).</summary>
    public static bool Holds(string folder) => Stems.All(s => Find(folder, s) is not null);

    public static TrainTestSplit Load(string folder, string? name = null)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such dataset folder.");
        string Need(string stem) => Find(folder, stem)
            ?? throw new FileNotFoundException($"{folder}: no IDX file {stem} (or {stem}.gz) in this folder; an IDX dataset folder needs {string.Join(", ", Stems)}.");
        var train = LoadPair(Need(Stems[0]), Need(Stems[1]));
        var test = LoadPair(Need(Stems[2]), Need(Stems[3]));
        return new TrainTestSplit(name ?? Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/')), train, test);
    }

    public static LabelledImages LoadPair(string imagesPath, string labelsPath)
    {
        var images = IdxReader.Read(imagesPath);
        var labels = IdxReader.Read(labelsPath);
        if (images.Dimensions.Length != 3)
            throw new InvalidDataException($"{imagesPath}: expected images of rank 3 (count×rows×columns), found rank {images.Dimensions.Length}.");
        if (labels.Dimensions.Length != 1)
            throw new InvalidDataException($"{labelsPath}: expected labels of rank 1, found rank {labels.Dimensions.Length}.");
        if (images.Dimensions[0] != labels.Dimensions[0])
            throw new InvalidDataException($"{imagesPath} holds {images.Dimensions[0]} images but {labelsPath} holds {labels.Dimensions[0]} labels.");
        float scale = images.Type == IdxType.UnsignedByte ? 1f / 255f : 1f;
        var y = labels.ToInts();
        int classes = y.Length == 0 ? 10 : Math.Max(10, y.Max() + 1);
        return new LabelledImages(imagesPath, images.ToFloats(scale), y, 1, images.Dimensions[1], images.Dimensions[2], classes);
    }

    private static string? Find(string folder, string stem)
    {
        foreach (var candidate in new[] { stem + ".gz", stem })
        {
            var p = Path.Combine(folder, candidate);
            if (File.Exists(p)) return p;
        }
        return null;
    }
}
