namespace NeuralPipelines.Data.Images;

/// <summary>A folder of colour photos (PNG, JPEG, BMP; not its sub-folders), read into a <see cref="PhotoSet"/> of one square size.</summary>
/// <remarks>Files are taken in ordinal name order, so the same folder gives the same set, and the same shuffle, on every
/// machine; hidden ones (a name that starts with a dot, <see cref="ImageFile.IsHidden"/>) are left out, as
/// <see cref="ImageTree"/> leaves them. Photos are decoded on all cores; each lands in its own slot, so the result does not depend on the thread count.</remarks>
public static class ImageFolder
{
    /// <summary>The image files in <paramref name="folder"/>, sorted.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no PNG, JPEG or BMP file; names the folder.</exception>
    public static IReadOnlyList<string> Files(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such folder of images.");
        var files = Directory.EnumerateFiles(folder).Where(ImageFile.IsListedImage).Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
            throw new InvalidDataException($"{folder}: the folder holds no images ({string.Join(", ", ImageFile.Extensions)}).");
        return files;
    }

    /// <summary>Every photo in <paramref name="folder"/> fitted to <paramref name="size"/> × <paramref name="size"/>.</summary>
    /// <exception cref="InvalidDataException">A file is corrupt, truncated or over the pixel limit (the message names it), or there are no images.</exception>
    public static PhotoSet Load(string folder, int size, ImageFit fit = ImageFit.CenterCrop, long maxPixels = ImageFile.DefaultMaxPixels, int? limit = null)
    {
        if (size is < 8 or > 4096) throw new ArgumentException($"Photo size {size} is out of range (8 to 4096).");
        var files = Files(folder);
        if (limit is int l) files = files.Take(Math.Max(l, 0)).ToArray();
        int length = 3 * size * size;
        var pixels = new float[files.Count * length];
        ImageReads.Each(files.Count, i => ImageFile.ReadSquare(files[i], size, fit, maxPixels).Pixels.CopyTo(pixels.AsSpan(i * length, length)));
        return new PhotoSet(folder, pixels, size, files);
    }
}
