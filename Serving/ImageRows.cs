using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NeuralPipelines.Serving;

/// <summary>Turns an uploaded image into one input row of an image model ([C, H, W], C = 1 or 3): upright as its EXIF
/// orientation says (as np score reads files), pixels scaled to [0, 1] as the exported graph expects (its normalisation
/// is inside it), grey as luminance, colour as planar RGB.</summary>
/// <remarks>Only PNG, JPEG and BMP decoders are registered, and the header is read first, so an image over the pixel
/// limit is refused before its pixels are decoded. An image of another size is refused unless resizing was asked for:
/// never silently misread.</remarks>
public static class ImageRows
{
    private static readonly Configuration Decoders = new(new PngConfigurationModule(), new JpegConfigurationModule(), new BmpConfigurationModule());

    /// <summary>Whether a model with this input shape takes images.</summary>
    public static bool Accepts(int[] inputShape) => inputShape is [1 or 3, > 0, > 0];

    /// <exception cref="BadRequestException">Not a PNG, JPEG or BMP; corrupt; over the pixel limit; the wrong size.</exception>
    public static float[] Read(byte[] bytes, string name, int[] inputShape, bool resize, long maxPixels)
    {
        if (!Accepts(inputShape))
            throw new BadRequestException($"the model's input is [{string.Join(", ", inputShape)}], not an image [1 or 3, H, W]; send JSON rows.");
        int channels = inputShape[0], height = inputShape[1], width = inputShape[2];
        try
        {
            var info = Image.Identify(Decoders, new MemoryStream(bytes, writable: false))
                ?? throw new BadRequestException($"{name}: not an image this server reads (PNG, JPEG or BMP).");
            long pixels = (long)info.Width * info.Height;
            if (pixels == 0) throw new BadRequestException($"{name}: the image is empty (0 pixels).");
            if (pixels > maxPixels) throw new BadRequestException($"{name}: {info.Width}×{info.Height} is {pixels:N0} pixels, over the limit of {maxPixels:N0}.");
            // The size it has upright, as np score reads it: EXIF orientations 5–8 turn it a quarter.
            var (uprightWidth, uprightHeight) = TurnsAQuarter(info) ? (info.Height, info.Width) : (info.Width, info.Height);
            if ((uprightWidth != width || uprightHeight != height) && !resize)
                throw new BadRequestException($"{name}: the image is {uprightWidth}×{uprightHeight}; the model takes {width}×{height} (start np serve with --resize-images to resize).");
            return channels == 1 ? Planes<L8>(bytes, width, height, resize, (p, row, i, plane) => row[i] = p.PackedValue / 255f)
                                 : Planes<Rgb24>(bytes, width, height, resize, (p, row, i, plane) =>
                                   {
                                       row[i] = p.R / 255f;
                                       row[plane + i] = p.G / 255f;
                                       row[2 * plane + i] = p.B / 255f;
                                   });
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException or NotSupportedException)
        {
            throw new BadRequestException($"{name}: not a readable PNG, JPEG or BMP ({e.Message.ReplaceLineEndings(" ")}).", e);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or EndOfStreamException)
        {
            // A truncated stream surfaces from some decoders as a bounds error rather than a format error.
            throw new BadRequestException($"{name}: the image is truncated or corrupt ({e.Message.ReplaceLineEndings(" ")}).", e);
        }
    }

    private static bool TurnsAQuarter(IImageInfo info) =>
        info.Metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value is >= 5 and <= 8;

    private delegate void Store<TPixel>(TPixel pixel, float[] row, int index, int plane);

    private static float[] Planes<TPixel>(byte[] bytes, int width, int height, bool resize, Store<TPixel> store) where TPixel : unmanaged, IPixel<TPixel>
    {
        using var image = Image.Load<TPixel>(Decoders, new MemoryStream(bytes, writable: false));
        image.Mutate(c => c.AutoOrient());
        if (resize && (image.Width != width || image.Height != height))
            image.Mutate(c => c.Resize(new ResizeOptions { Size = new Size(width, height), Mode = ResizeMode.Stretch, Sampler = KnownResamplers.Bicubic }));
        int plane = width * height, channels = typeof(TPixel) == typeof(L8) ? 1 : 3;
        var row = new float[channels * plane];
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                var line = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++) store(line[x], row, y * width + x, plane);
            }
        });
        return row;
    }
}
