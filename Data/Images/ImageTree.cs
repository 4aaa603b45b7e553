namespace NeuralPipelines.Data.Images;

/// <summary>One image of an <see cref="ImageTree"/>: its path, its path relative to the tree (what outputs show), and its
/// class (the sub-folder's name) when the tree has one folder per class.</summary>
public sealed record ImageEntry(string Path, string RelativePath, string? Class);

/// <summary>A folder of images to score or evaluate: either flat (images directly inside) or one sub-folder per class
/// (the ImageNet / torchvision ImageFolder layout), never both.</summary>
/// <remarks>Entries are sorted by relative path in ordinal order, so a tree lists the same way on every machine and the
/// row index of an image (what <c>--shard</c> splits on) is the same in every process. Only PNG, JPEG and BMP names are
/// listed, and no hidden ones (a name that starts with a dot); a mixed tree (images beside class folders) is refused, as
/// either reading of it would drop some images.</remarks>
public static class ImageTree
{
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No images, or images both at the top and in sub-folders; names the folder.</exception>
    public static IReadOnlyList<ImageEntry> List(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such folder of images.");
        var top = Images(folder);
        var classes = Directory.EnumerateDirectories(folder).Where(d => !ImageFile.IsHidden(d))
            .Select(d => (Name: System.IO.Path.GetFileName(d), Files: Images(d)))
            .Where(c => c.Files.Length > 0)
            .ToArray();
        if (top.Length > 0 && classes.Length > 0)
            throw new InvalidDataException(
                $"{folder}: holds {top.Length} images at the top and images in {classes.Length} sub-folders; use either a flat folder or one sub-folder per class.");
        var entries = top.Length > 0
            ? top.Select(f => new ImageEntry(f, System.IO.Path.GetFileName(f), null))
            : classes.SelectMany(c => c.Files.Select(f => new ImageEntry(f, c.Name + "/" + System.IO.Path.GetFileName(f), c.Name)));
        var list = entries.OrderBy(e => e.RelativePath, StringComparer.Ordinal).ToArray();
        if (list.Length == 0)
            throw new InvalidDataException($"{folder}: the folder holds no images ({string.Join(", ", ImageFile.Extensions)}), neither at the top nor in class sub-folders.");
        return list;
    }

    private static string[] Images(string folder) => Directory.EnumerateFiles(folder).Where(ImageFile.IsListedImage).ToArray();
}
