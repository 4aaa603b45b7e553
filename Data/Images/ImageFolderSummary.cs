namespace NeuralPipelines.Data.Images;

/// <summary>What a folder of images holds, from the files' headers: how many images in each split, their sizes and formats,
/// and the classes when it has one sub-folder per class. <c>np datasets info</c> reports it for a photo set.</summary>
/// <param name="Splits">Images per split: <c>train</c> and <c>test</c> for a folder laid out as <c>np train colorize</c>
/// reads one (train/ and test/ sub-folders), else the one split <c>all</c>.</param>
/// <param name="Sizes">Each width×height found, with its count, most frequent first.</param>
/// <param name="Formats">Each format found (PNG, JPEG, BMP), with its count.</param>
/// <param name="ClassNames">The class sub-folders' names, or null for a flat folder or a train/test one.</param>
public sealed record ImageFolderSummary(IReadOnlyDictionary<string, int> Splits, IReadOnlyList<string> Sizes,
    IReadOnlyList<string> Formats, IReadOnlyList<string>? ClassNames)
{
    /// <summary>Reads the header of every image under <paramref name="folder"/> (not its pixels).</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    /// <exception cref="InvalidDataException">A folder without images, a mixed tree, or a file whose header is no image;
    /// names the folder or the file.</exception>
    public static ImageFolderSummary Of(string folder)
    {
        string train = Path.Combine(folder, "train"), test = Path.Combine(folder, "test");
        var splits = new Dictionary<string, IReadOnlyList<ImageEntry>>();
        if (Directory.Exists(train))
        {
            splits["train"] = ImageTree.List(train);
            if (Directory.Exists(test)) splits["test"] = ImageTree.List(test);
        }
        else splits["all"] = ImageTree.List(folder);

        var entries = splits.Values.SelectMany(e => e).ToArray();
        var headers = new ImageHeader[entries.Length];
        ImageReads.Each(entries.Length, i => headers[i] = ImageFile.Header(entries[i].Path));

        static IReadOnlyList<string> Counted(IEnumerable<string> values) =>
            values.GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key} ({g.Count():N0})").ToArray();
        var classes = entries.Select(e => e.Class).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray();
        return new ImageFolderSummary(splits.ToDictionary(s => s.Key, s => s.Value.Count),
            Counted(headers.Select(h => $"{h.Width}×{h.Height}")), Counted(headers.Select(h => h.Format)),
            classes.Length > 0 ? classes : null);
    }
}
