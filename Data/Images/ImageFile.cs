using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NeuralPipelines.Data.Images;

/// <summary>Reads one photo (PNG, JPEG, BMP) into planar RGB floats, at its own size or fitted to a square.</summary>
/// <remarks>The header is read first so that an image over the pixel limit is refused before its pixels are decoded
/// (a 20,000 × 20,000 JPEG decodes into 1.6 GB). Every failure is an <see cref="InvalidDataException"/> that names the file.
/// Grey and palette images are read as RGB (equal channels): a grey photo is a valid input to colorize.</remarks>
public static class ImageFile
{
    /// <summary>The pixel limit by default: 64 megapixels, larger than any camera photo, small enough to decode in memory.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <summary>The extensions read as images (lower case, with the dot).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp"];

    public static bool HasImageExtension(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>The photo at its own size.</summary>
    /// <exception cref="InvalidDataException">Not an image, corrupt or truncated, or over <paramref name="maxPixels"/>; names the file.</exception>
    public static RgbImage Read(string path, long maxPixels = DefaultMaxPixels)
    {
        using var image = Decode(path, maxPixels);
        return ToPlanar(image);
    }

    /// <summary>The photo fitted to <paramref name="size"/> × <paramref name="size"/> (bicubic).</summary>
    public static RgbImage ReadSquare(string path, int size, ImageFit fit = ImageFit.CenterCrop, long maxPixels = DefaultMaxPixels)
    {
        if (size <= 0) throw new ArgumentException($"The image size must be positive, got {size}.");
        using var image = Decode(path, maxPixels);
        if (image.Width != size || image.Height != size)
            image.Mutate(c => c.Resize(new ResizeOptions
            {
                Size = new Size(size, size),
                Mode = fit == ImageFit.CenterCrop ? ResizeMode.Crop : ResizeMode.Stretch,
                Position = AnchorPositionMode.Center,
                Sampler = KnownResamplers.Bicubic,
            }));
        return ToPlanar(image);
    }

    /// <summary>Resizes planar channels (any count) to a new size, bicubic: chroma predicted at the model's size is spread
    /// over a full-resolution photo this way.</summary>
    public static float[] ResizePlanes(ReadOnlySpan<float> planes, int channels, int height, int width, int newHeight, int newWidth)
    {
        var result = new float[channels * newHeight * newWidth];
        int plane = height * width, newPlane = newHeight * newWidth;
        for (int c = 0; c < channels; c++)
        {
            // One float channel per pass: RgbaVector carries floats unclamped, so values outside [0, 1] (Lab's a and b) survive.
            using var image = new Image<RgbaVector>(width, height);
            var src = planes.Slice(c * plane, plane);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    image[x, y] = new RgbaVector(src[y * width + x], 0, 0, 1);
            image.Mutate(m => m.Resize(newWidth, newHeight, KnownResamplers.Bicubic));
            var dst = result.AsSpan(c * newPlane, newPlane);
            for (int y = 0; y < newHeight; y++)
                for (int x = 0; x < newWidth; x++)
                    dst[y * newWidth + x] = image[x, y].R;
        }
        return result;
    }

    private static Image<Rgb24> Decode(string path, long maxPixels)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such image file.", path);
        try
        {
            var info = Image.Identify(path)
                ?? throw new InvalidDataException($"{path}: not an image this reader knows (PNG, JPEG or BMP).");
            long pixels = (long)info.Width * info.Height;
            if (pixels > maxPixels)
                throw new InvalidDataException($"{path}: {info.Width}×{info.Height} is {pixels:N0} pixels, over the limit of {maxPixels:N0}; shrink it first.");
            if (pixels == 0) throw new InvalidDataException($"{path}: the image is empty (0 pixels).");
            return Image.Load<Rgb24>(path);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException or NotSupportedException)
        {
            throw new InvalidDataException($"{path}: not a readable image ({Describe(e)}).", e);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or EndOfStreamException)
        {
            // A truncated stream surfaces from some decoders as a bounds error rather than a format error.
            throw new InvalidDataException($"{path}: the image is truncated or corrupt ({e.Message}).", e);
        }
    }

    private static string Describe(Exception e) => e is UnknownImageFormatException ? "unknown or unsupported format; PNG, JPEG and BMP are read" : e.Message;

    private static RgbImage ToPlanar(Image<Rgb24> image)
    {
        int h = image.Height, w = image.Width, plane = h * w;
        var pixels = new float[3 * plane];
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < h; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < w; x++)
                {
                    int i = y * w + x;
                    pixels[i] = row[x].R / 255f;
                    pixels[plane + i] = row[x].G / 255f;
                    pixels[2 * plane + i] = row[x].B / 255f;
                }
            }
        });
        return new RgbImage(pixels, h, w);
    }
}
