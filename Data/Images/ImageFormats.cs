using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;

namespace NeuralPipelines.Data.Images;

/// <summary>The one ImageSharp configuration every reader here decodes with: PNG, JPEG and BMP only.</summary>
/// <remarks>ImageSharp's default configuration also decodes GIF, TIFF, TGA, PBM and WebP, and picks the decoder from the
/// file's bytes, not its name. Each extra decoder is more code that an untrusted file can reach, so a GIF, TIFF or WebP
/// renamed <c>.png</c> is refused as an unknown format instead of being decoded.</remarks>
public static class ImageFormats
{
    public static Configuration Configuration { get; } = new(new PngConfigurationModule(), new JpegConfigurationModule(), new BmpConfigurationModule());
}
