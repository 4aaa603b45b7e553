using NeuralPipelines.Data.Images;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.Images;

/// <summary>Print workflows save JPEGs in CMYK (Photoshop's Adobe marker, inverted channels). ImageSharp cannot write
/// one, so the file is embedded: 24×16, left half RGB (220, 30, 20), right half (20, 40, 200), saved as CMYK by Pillow
/// 9.4 at quality 95, which reads it back as exactly those colours.</summary>
public class CmykJpegTests
{
    private const string CmykJpeg =
        "/9j/7gAOQWRvYmUAZAAAAAAA/9sAQwACAQEBAQECAQEBAgICAgIEAwICAgIFBAQDBAYFBgYGBQYGBgcJCAYHCQcGBggLCAkKCgoKCgYICwwLCgwJCgoK/8AAFAgAEAAYBEMRAE0RAFkRAEsRAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAA4EQwBNAFkASwAAPwD9cK/HevxPr9/K/G//AIO1f+aAf9zX/wC4etTw3/y2/wCA/wBa/Wj/AINcv+a5/wDcs/8AuWor8b61K/Wiiv7IK5ev5L6K/G//AIO1f+aAf9zX/wC4etTw3/y2/wCA/wBa/Wj/AINcv+a5/wDcs/8AuWor8b61K/Wiiv/Z";

    [Fact]
    public void A_CMYK_JPEG_is_read_as_its_RGB_colours()
    {
        using var dir = new TempFolder();
        var path = dir.File("cmyk.jpg");
        File.WriteAllBytes(path, Convert.FromBase64String(CmykJpeg));

        var photo = ImageFile.Read(path);

        Assert.Equal((16, 24), (photo.Height, photo.Width));
        Assert.Null(photo.Alpha);
        AssertColour(photo, 8 * 24 + 2, 220, 30, 20);
        AssertColour(photo, 8 * 24 + 21, 20, 40, 200);
    }

    private static void AssertColour(RgbImage photo, int pixel, int r, int g, int b)
    {
        // JPEG's chroma subsampling and quantisation move a pixel by a few levels; inverted or dropped K would move it by far more.
        int[] expected = [r, g, b];
        for (int c = 0; c < 3; c++)
            Assert.InRange(photo.Plane(c)[pixel] * 255f, expected[c] - 12, expected[c] + 12);
    }
}
