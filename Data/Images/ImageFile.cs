using NeuralPipelines.Data.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NeuralPipelines.Data.Images;

/// <summary>Reads one photo (PNG, JPEG, BMP; see <see cref="ImageFormats"/>) into planar RGB floats, at its own size or fitted to a
/// square, turned upright as its EXIF orientation says; at its own size, with its transparency (<see cref="RgbImage.Alpha"/>).</summary>
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

    /// <summary>Whether a folder's listing takes this file as an image: an image extension and not hidden.</summary>
    public static bool IsListedImage(string path) => !IsHidden(path) && HasImageExtension(path);

    /// <summary>A name that starts with a dot. Hidden names are not data, as ls and every file manager agree: a folder
    /// copied from a Mac holds an AppleDouble "._a.png" (no image) beside each image, and Jupyter leaves a
    /// ".ipynb_checkpoints" folder that is no class.</summary>
    public static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');

    /// <summary>The photo at its own size.</summary>
    /// <exception cref="InvalidDataException">Not an image, corrupt or truncated, or over <paramref name="maxPixels"/>; names the file.</exception>
    public static RgbImage Read(string path, long maxPixels = DefaultMaxPixels)
    {
        using var rgba = Upright(Decode<Rgba32>(path, maxPixels));
        using var image = rgba.CloneAs<Rgb24>();
        return ToPlanar(image) with { Alpha = Transparency(rgba) };
    }

    /// <summary>The opacity of each pixel, or null when every one is opaque (JPEG, BMP, most PNGs).</summary>
    private static byte[]? Transparency(Image<Rgba32> image)
    {
        var alpha = new byte[image.Width * image.Height];
        bool any = false;
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++) any |= (alpha[y * row.Length + x] = row[x].A) != 255;
            }
        });
        return any ? alpha : null;
    }

    /// <summary>The photo fitted to <paramref name="size"/> × <paramref name="size"/> (bicubic).</summary>
    public static RgbImage ReadSquare(string path, int size, ImageFit fit = ImageFit.CenterCrop, long maxPixels = DefaultMaxPixels)
    {
        if (size <= 0) throw new ArgumentException($"The image size must be positive, got {size}.");
        using var image = Upright(Decode(path, maxPixels));
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

    /// <summary>The image as a model's input: <paramref name="channels"/> planes (1: grey, 3: RGB) of
    /// <paramref name="height"/> × <paramref name="width"/>, values in [0, 1], written at <paramref name="offset"/> of
    /// <paramref name="destination"/>, upright as its EXIF orientation says (its size is the upright one). An image of
    /// another size is stretched to it (bicubic) only when <paramref name="resize"/> is set; otherwise it is refused, so a wrong size is never silently misread.</summary>
    /// <exception cref="InvalidDataException">Not a PNG, JPEG or BMP, corrupt, truncated, over the pixel limit, or the wrong
    /// size without <paramref name="resize"/>; the message names the file (and both sizes).</exception>
    public static void ReadInto(string path, float[] destination, int offset, int channels, int height, int width, bool resize = false,
        long maxPixels = DefaultMaxPixels)
    {
        if (channels is not (1 or 3)) throw new ArgumentException($"A model image has 1 (grey) or 3 (RGB) channels, not {channels}.");
        if (height <= 0 || width <= 0) throw new ArgumentException($"The image size must be positive, got {height}×{width}.");
        if (channels == 1)
        {
            using var grey = Fitted(Upright(Decode<L8>(path, maxPixels)), path, height, width, resize);
            grey.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (int x = 0; x < width; x++) destination[offset + y * width + x] = row[x].PackedValue * Scale;
                }
            });
            return;
        }
        using var rgb = Fitted(Upright(Decode<Rgb24>(path, maxPixels)), path, height, width, resize);
        int plane = height * width;
        rgb.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    int i = offset + y * width + x;
                    destination[i] = row[x].R * Scale;
                    destination[plane + i] = row[x].G * Scale;
                    destination[2 * plane + i] = row[x].B * Scale;
                }
            }
        });
    }

    // The IDX reader's scaling (× 1/255, not ÷ 255: they differ in the last bit for some bytes), so a digit saved as a PNG
    // reads back as the very floats the model was trained on.
    private const float Scale = 1f / 255f;

    private static Image<TPixel> Fitted<TPixel>(Image<TPixel> image, string path, int height, int width, bool resize) where TPixel : unmanaged, IPixel<TPixel>
    {
        if (image.Width == width && image.Height == height) return image;
        if (!resize)
        {
            var (w, h) = (image.Width, image.Height);
            image.Dispose();
            throw new InvalidDataException($"{path}: the image is {w}×{h} but the model takes {width}×{height}; allow resizing (np score --resize) or resize it first.");
        }
        image.Mutate(c => c.Resize(width, height, KnownResamplers.Bicubic));
        return image;
    }

    /// <summary>The photo as viewers show it: a camera stores its pixels as the sensor read them and records the turn in
    /// the EXIF orientation tag, so without this a phone photo was colorized (and written, untagged) lying on its side.</summary>
    private static Image<TPixel> Upright<TPixel>(Image<TPixel> image) where TPixel : unmanaged, IPixel<TPixel>
    {
        image.Mutate(c => c.AutoOrient());
        return image;
    }

    private static Image<Rgb24> Decode(string path, long maxPixels) => Decode<Rgb24>(path, maxPixels);

    /// <summary>The image's size and format from its header alone, its pixels not decoded (what <c>np datasets info</c>
    /// reports of a folder of photos).</summary>
    /// <exception cref="InvalidDataException">Not an image this reader knows, or a header that does not parse; names the file.</exception>
    public static ImageHeader Header(string path) =>
        Guarded(path, () =>
        {
            using var stream = Open(path);
            var (info, format) = Identify(stream, path, DefaultMaxPixels);
            return new ImageHeader(info.Width, info.Height, format.Name);
        });

    private static Image<TPixel> Decode<TPixel>(string path, long maxPixels) where TPixel : unmanaged, IPixel<TPixel> =>
        Guarded(path, () =>
        {
            // One open for both the header and the pixels: a folder of 100,000 small images pays for each open.
            using var stream = Open(path);
            Identify(stream, path, maxPixels);
            stream.Position = 0;
            return Image.Load<TPixel>(ImageFormats.Configuration, stream);
        });

    private static FileStream Open(string path)
    {
        // Following links: a link to nothing is no file, and a FIFO, device or socket named like an image is no image.
        // Opening a FIFO waits for a writer (for ever, in a batch run), and a device reads without end.
        var kind = FileIdentity.Of(path)?.Kind;
        if (kind is null) throw new FileNotFoundException($"{path}: no such image file.", path);
        if (kind != FileKind.Regular) throw new InvalidDataException($"{path}: not a regular file ({kind}), so not an image.");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 14);
    }

    /// <summary>The header, refused when it is no image or its pixel count is 0 or over <paramref name="maxPixels"/>.</summary>
    private static (IImageInfo Info, SixLabors.ImageSharp.Formats.IImageFormat Format) Identify(Stream stream, string path, long maxPixels)
    {
        var info = Image.Identify(ImageFormats.Configuration, stream, out var format)
            ?? throw new InvalidDataException($"{path}: not an image this reader knows (PNG, JPEG or BMP).");
        long pixels = (long)info.Width * info.Height;
        if (pixels > maxPixels)
            throw new InvalidDataException($"{path}: {info.Width}×{info.Height} is {pixels:N0} pixels, over the limit of {maxPixels:N0}; shrink it first.");
        if (pixels == 0) throw new InvalidDataException($"{path}: the image is empty (0 pixels).");
        return (info, format);
    }

    /// <summary>Runs <paramref name="read"/>, turning whatever the decoder throws on a bad file into that file's error.</summary>
    private static T Guarded<T>(string path, Func<T> read)
    {
        try
        {
            return read();
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
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or ArgumentException or OverflowException or DivideByZeroException)
        {
            // Found by the fuzz test (ImageFuzzTests): ImageSharp 2.1's JPEG decoder can fail on a damaged file with a
            // NullReferenceException. Whatever the decoder throws on a bad file is that file's error, not the program's.
            throw new InvalidDataException($"{path}: the image is corrupt (the decoder failed: {e.GetType().Name}).", e);
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
