using NeuralPipelines.Data.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralPipelines.Data.Images;

/// <summary>Writes images held as planar floats (channels × height × width, values in [0, 1]; one channel is grey, three
/// are RGB) as PNG files: one image, or many tiled into a grid. Files are written atomically.</summary>
public static class ImageWriter
{
    /// <summary>One image of shape [<paramref name="channels"/>, <paramref name="height"/>, <paramref name="width"/>].</summary>
    public static void WritePng(string path, ReadOnlySpan<float> pixels, int channels, int height, int width)
    {
        using var image = Picture(pixels, channels, height, width);
        AtomicFile.Write(path, s => image.SaveAsPng(s));
    }

    /// <summary><see cref="WritePng(string, ReadOnlySpan{float}, int, int, int)"/> into a stream: one file of several
    /// written together (<see cref="SampleFolder"/>).</summary>
    public static void SavePng(Stream stream, ReadOnlySpan<float> pixels, int channels, int height, int width)
    {
        using var image = Picture(pixels, channels, height, width);
        image.SaveAsPng(stream);
    }

    /// <summary>One colour picture, at its own size, with its transparency when it has one.</summary>
    public static void WritePng(string path, RgbImage image)
    {
        if (image.Alpha is not { } alpha) { WritePng(path, image.Pixels, 3, image.Height, image.Width); return; }
        if (alpha.Length != image.PlaneLength)
            throw new ArgumentException($"An image of {image.Height}×{image.Width} needs {image.PlaneLength} alpha values, got {alpha.Length}.");
        using var rgb = Picture(image.Pixels, 3, image.Height, image.Width);
        using var rgba = rgb.CloneAs<Rgba32>();
        rgba.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++) row[x].A = alpha[y * row.Length + x];
            }
        });
        AtomicFile.Write(path, s => rgba.SaveAsPng(s));
    }

    /// <summary>One grey plane (values in [0, 1]) encoded as an 8-bit greyscale PNG: lossless for pixels that came from
    /// bytes (IDX digits), so a reader that divides by 255 gets the same floats back.</summary>
    public static byte[] GreyPng(ReadOnlySpan<float> pixels, int height, int width)
    {
        if (pixels.Length != height * width)
            throw new ArgumentException($"A grey image of {height}×{width} needs {height * width} values, got {pixels.Length}.");
        using var image = new Image<L8>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) image[x, y] = new L8(Byte(pixels[y * width + x]));
        using var s = new MemoryStream();
        image.SaveAsPng(s);
        return s.ToArray();
    }

    /// <summary>A grid of <paramref name="count"/> images, <paramref name="columns"/> across (default: as square as can be),
    /// separated by a one-pixel gap.</summary>
    public static void WriteGrid(string path, ReadOnlySpan<float> images, int count, int channels, int height, int width, int? columns = null)
    {
        int per = channels * height * width;
        if (count <= 0 || images.Length < count * per)
            throw new ArgumentException($"A grid of {count} images of [{channels}×{height}×{width}] needs {count * per} values, got {images.Length}.");
        int cols = columns ?? (int)Math.Ceiling(Math.Sqrt(count));
        int rows = (count + cols - 1) / cols;
        using var image = new Image<Rgb24>(cols * (width + 1) + 1, rows * (height + 1) + 1, new Rgb24(40, 40, 40));
        for (int i = 0; i < count; i++)
            Draw(image, images.Slice(i * per, per), channels, height, width, 1 + (i % cols) * (width + 1), 1 + (i / cols) * (height + 1));
        AtomicFile.Write(path, s => image.SaveAsPng(s));
    }

    // One image at its own size: what each one-image writer encodes.
    private static Image<Rgb24> Picture(ReadOnlySpan<float> pixels, int channels, int height, int width)
    {
        var image = new Image<Rgb24>(width, height);
        try { Draw(image, pixels, channels, height, width, 0, 0); }
        catch { image.Dispose(); throw; }
        return image;
    }

    private static void Draw(Image<Rgb24> image, ReadOnlySpan<float> pixels, int channels, int height, int width, int left, int top)
    {
        if (channels is not (1 or 3)) throw new ArgumentException($"Images have 1 (grey) or 3 (RGB) channels, got {channels}.");
        int plane = height * width;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                byte r = Byte(pixels[i]);
                image[left + x, top + y] = channels == 1 ? new Rgb24(r, r, r) : new Rgb24(r, Byte(pixels[plane + i]), Byte(pixels[2 * plane + i]));
            }
    }

    private static byte Byte(float v) => (byte)Math.Clamp(MathF.Round(v * 255f), 0f, 255f);
}
