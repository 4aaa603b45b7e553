using NeuralPipelines.Data.Idx;

namespace NeuralPipelines.Data.Datasets;

/// <summary>An MNIST-style folder: train-images/labels and t10k-images/labels IDX files, gzip or raw.</summary>
public static class IdxImageFolder
{
    /// <summary>The four file names (without <c>.gz</c>) that MNIST, Fashion-MNIST and their kin publish.</summary>
    public static readonly IReadOnlyList<string> Stems = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>True when the folder holds all four files (raw or .gz).</summary>
    public static bool Holds(string folder) => Directory.Exists(folder) && Stems.All(s => Find(folder, s) is not null);

    /// <summary>True when the folder holds any of the four files: it is meant as an IDX folder, so one that lacks a file is
    /// refused by <see cref="Files"/> (or <see cref="SplitFiles"/>) naming it, rather than read as a folder of images that holds none.</summary>
    public static bool HoldsAny(string folder) => Directory.Exists(folder) && Stems.Any(s => Find(folder, s) is not null);

    /// <summary>The four files' paths in <see cref="Stems"/> order; an error naming the folder and what is missing otherwise.</summary>
    public static string[] Files(string folder) => Found(folder, Stems, $"an IDX dataset folder needs {string.Join(", ", Stems)} (each raw or .gz)");

    /// <summary>The images and labels files of one split, "train" or "test" (t10k), and nothing of the other: what scoring one
    /// split reads, so a folder sent to be scored need not carry the split it is not scored on.</summary>
    public static (string Images, string Labels) SplitFiles(string folder, string split)
    {
        var stems = split switch
        {
            "train" => Stems.Take(2).ToArray(),
            "test" => Stems.Skip(2).ToArray(),
            _ => throw new ArgumentException($"--split '{split}': an IDX folder has the splits test and train."),
        };
        var found = Found(folder, stems, $"its {split} split needs {stems[0]} and {stems[1]} (each raw or .gz)");
        return (found[0], found[1]);
    }

    private static string[] Found(string folder, IReadOnlyList<string> stems, string need)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(File.Exists(folder) ? $"{folder}: is a file, not a dataset folder." : $"{folder}: no such dataset folder.");
        var found = stems.Select(s => Find(folder, s)).ToArray();
        if (found.All(f => f is not null)) return found!;
        var missing = stems.Where((_, i) => found[i] is null).ToList();
        throw new FileNotFoundException(!HoldsAny(folder)
            ? $"{folder}: holds no IDX files; {need}."
            : $"{folder}: missing IDX file{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}; {need}.");
    }

    public static TrainTestSplit Load(string folder, string? name = null)
    {
        var files = Files(folder);
        var train = LoadPair(files[0], files[1]);
        var test = LoadPair(files[2], files[3]);
        // Training on nothing, or a test accuracy of 0/0, would pass for a result.
        foreach (var (set, file, what) in new[] { (train, files[0], "training"), (test, files[2], "test") })
            if (set.Count == 0) throw new InvalidDataException($"{file}: holds no images; the {what} split is empty.");
        if (train.Height != test.Height || train.Width != test.Width)
            throw new InvalidDataException($"{files[0]} holds {train.Height}×{train.Width} images but {files[2]} holds {test.Height}×{test.Width}.");
        int classes = Math.Max(train.Classes, test.Classes);
        if (train.Classes != classes) train = WithClasses(train, classes);
        if (test.Classes != classes) test = WithClasses(test, classes);
        return new TrainTestSplit(name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), train, test);
    }

    public static LabelledImages LoadPair(string imagesPath, string labelsPath)
    {
        var images = IdxReader.Read(imagesPath);
        var labels = IdxReader.Read(labelsPath);
        RefuseSignedBytes(images.Type, images.Dimensions, imagesPath);
        if (images.Dimensions.Length != 3)
            throw new InvalidDataException($"{imagesPath}: expected images of rank 3 (count×rows×columns), found rank {images.Dimensions.Length} [{string.Join("×", images.Dimensions)}].");
        if (labels.Dimensions.Length != 1)
            throw new InvalidDataException($"{labelsPath}: expected labels of rank 1 (count), found rank {labels.Dimensions.Length} [{string.Join("×", labels.Dimensions)}].");
        if (images.Dimensions[0] != labels.Dimensions[0])
            throw new InvalidDataException($"{imagesPath} holds {images.Dimensions[0]} images but {labelsPath} holds {labels.Dimensions[0]} labels.");
        float scale = images.Type == IdxType.UnsignedByte ? 1f / 255f : 1f;
        var y = labels.ToInts(labelsPath);
        if (y.Length > 0 && y.Min() < 0) throw new InvalidDataException($"{labelsPath}: negative label {y.Min()}.");
        int classes = ClassCount(y, labelsPath);
        var pixels = images.ToFloats(scale);
        // The reader refused NaN and ±∞; a float64 pixel beyond float32's range becomes ∞ only here, and a finite but absurd
        // one (1e30) is no pixel either: both are named here, before any training is blamed for them.
        int bad = images.Type == IdxType.UnsignedByte ? -1 : PixelBound.FirstOutside(pixels);
        if (bad >= 0)
        {
            int per = images.Dimensions[1] * images.Dimensions[2];
            throw new InvalidDataException($"{imagesPath}: image {bad / per:N0}, pixel {bad % per:N0} (row {bad % per / images.Dimensions[2]}, column {bad % images.Dimensions[2]}) {PixelBound.Describe(images[bad])}.");
        }
        return new LabelledImages(imagesPath, pixels, y, 1, images.Dimensions[1], images.Dimensions[2], classes, labelsPath);
    }

    /// <summary>The number of classes the labels number: at least 10 (MNIST's kin), more when a label says so.</summary>
    /// <remarks>A label is a class number, so a dataset of K classes uses 0..K−1 and a model gets one output per class. One
    /// stray byte (MNIST labels with a 200 among the digits) would otherwise make a 201-class model that trains and scores
    /// as if nothing were wrong. Labels past 9 are taken as classes while at least half of the classes they make have an
    /// example (a subset of a 47-class EMNIST may lack a few); beyond that the largest label is named with its item.</remarks>
    private static int ClassCount(int[] y, string labelsPath)
    {
        if (y.Length == 0) return 10;
        int largest = y.Max(), classes = Math.Max(10, largest + 1);
        if (classes == 10) return classes;
        int present = y.Distinct().Count();
        if (2 * present < classes)
            throw new InvalidDataException($"{labelsPath}: label {largest} (item {Array.IndexOf(y, largest):N0}) would make {classes} classes, but only {present} of them have an example; labels are class numbers 0..K−1.");
        return classes;
    }

    /// <summary>Refuses an images file of signed bytes (IDX type 0x09), the one element type that is on no pixel scale: its
    /// values run −128..127, so MNIST bytes stored under that type code read as garbage, with no error, in every model.
    /// Every reader of an IDX images file (this loader and np score's streaming one) calls it, so every command refuses
    /// such a file with the same line.</summary>
    public static void RefuseSignedBytes(IdxType type, int[] dimensions, string imagesPath)
    {
        if (type == IdxType.SignedByte)
            throw new InvalidDataException($"{imagesPath}: expected unsigned-byte images of rank 3 (count×rows×columns), found {new IdxReader.Header(type, dimensions)}; signed bytes (−128..127) are no pixel values.");
    }

    /// <summary>Writes a single-channel split as the four gzip IDX files (pixels in [0, 1] stored as bytes 0–255).</summary>
    public static void Save(string folder, TrainTestSplit split)
    {
        Directory.CreateDirectory(folder);
        SavePair(folder, split.Train, Stems[0], Stems[1]);
        SavePair(folder, split.Test, Stems[2], Stems[3]);
    }

    private static void SavePair(string folder, LabelledImages set, string imagesStem, string labelsStem)
    {
        if (set.Channels != 1) throw new ArgumentException($"{set.Source}: IDX image folders hold one channel, not {set.Channels}.");
        var pixels = new byte[set.Pixels.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)Math.Clamp(MathF.Round(set.Pixels[i] * 255f), 0f, 255f);
        var labels = set.Labels.Select(l => l <= byte.MaxValue ? (byte)l : throw new ArgumentException($"{set.Source}: label {l} does not fit an IDX byte.")).ToArray();
        IdxWriter.Write(Path.Combine(folder, imagesStem + ".gz"), IdxArray.FromBytes([set.Count, set.Height, set.Width], pixels));
        IdxWriter.Write(Path.Combine(folder, labelsStem + ".gz"), IdxArray.FromBytes([set.Count], labels));
    }

    private static LabelledImages WithClasses(LabelledImages s, int classes) =>
        new(s.Source, s.Pixels, s.Labels, s.Channels, s.Height, s.Width, classes, s.LabelsSource);

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
