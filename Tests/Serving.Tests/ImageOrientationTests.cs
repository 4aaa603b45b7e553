using NeuralPipelines.Serving;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralPipelines.Serving.Tests;

/// <summary>An uploaded photo is read upright, as its EXIF orientation says, like np score's reads (audit C1): a phone
/// photo stored on its side with orientation 6 was refused as the wrong size, or scored on its side.</summary>
public class ImageOrientationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_photo_stored_on_its_side_is_read_upright(int channels)
    {
        // Stored 24 wide × 16 high, white on the left, black on the right; orientation 6 (turn 90° clockwise to view)
        // makes it 16 wide × 24 high, white on top.
        using var stream = new MemoryStream();
        using (var image = new Image<Rgb24>(24, 16))
        {
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 24; x++) image[x, y] = x < 12 ? new Rgb24(255, 255, 255) : new Rgb24(0, 0, 0);
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
            image.SaveAsJpeg(stream);
        }
        var row = ImageRows.Read(stream.ToArray(), "turned.jpg", [channels, 24, 16], resize: false, maxPixels: 1_000_000);
        for (int c = 0; c < channels; c++)
        {
            Assert.True(row[c * 384 + 3 * 16 + 8] > 0.8f, "top is white");
            Assert.True(row[c * 384 + 20 * 16 + 8] < 0.2f, "bottom is black");
        }
    }
}
