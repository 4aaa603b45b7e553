using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NeuralPipelines.Onnx.Tests.Colorization;

/// <summary>The C# API an app uses: <c>using var c = OnnxColorizer.Load("colorizer.onnx"); c.ColorizeFile(photo, png)</c>
/// colorizes a photo file of any size at its own resolution, as the trained network does; a bad photo writes nothing.</summary>
public sealed class ColorizerFileTests
{
    [Fact]
    public void An_onnx_colorizer_colorizes_a_photo_file_of_any_size_as_the_trained_network_does()
    {
        using var temp = new TempFolder();
        var onnx = temp.File("colorizer.onnx");
        File.WriteAllBytes(onnx, TinyColorizer.Onnx);
        // A shipped photo stretched to a shape the model never saw.
        var photo = temp.File("wide.jpg");
        using (var image = Image.Load(TinyColorizer.TestPhotos(1)[0]))
        {
            image.Mutate(c => c.Resize(90, 50));
            image.SaveAsJpeg(photo);
        }

        using var colorizer = OnnxColorizer.Load(onnx);
        Assert.Equal(TinyColorizer.Size, colorizer.Size);
        var result = colorizer.ColorizeFile(photo, temp.File("wide.png"));
        Assert.Equal((50, 90), (result.Height, result.Width));

        var ours = new Colorizer(TinyColorizer.Model).Colorize(ImageFile.Read(photo));
        using var written = Image.Load<Rgb24>(temp.File("wide.png"));
        Assert.Equal((90, 50), (written.Width, written.Height));
        int plane = 50 * 90;
        for (int y = 0; y < 50; y++)
            for (int x = 0; x < 90; x++)
            {
                int i = y * 90 + x;
                var px = written[x, y];
                // ONNX Runtime's U-Net against ours, then 8 bits: within a level.
                Assert.True(Math.Abs(px.R - ours.Pixels[i] * 255f) <= 1f && Math.Abs(px.G - ours.Pixels[plane + i] * 255f) <= 1f
                    && Math.Abs(px.B - ours.Pixels[2 * plane + i] * 255f) <= 1f, $"pixel ({x}, {y})");
            }

        File.WriteAllText(temp.File("broken.png"), "not a png");
        var e = Assert.Throws<InvalidDataException>(() => colorizer.ColorizeFile(temp.File("broken.png"), temp.File("broken-out.png")));
        Assert.StartsWith(temp.File("broken.png"), e.Message);
        Assert.False(File.Exists(temp.File("broken-out.png")));
    }

    [Fact]
    public void The_output_may_not_be_the_photo_itself()
    {
        using var temp = new TempFolder();
        var photo = temp.File("photo.png");
        // Written anew rather than copied: a copy keeps the shipped file's read-only mode, which is refused for another reason.
        File.WriteAllBytes(photo, File.ReadAllBytes(TinyColorizer.TestPhotos(1)[0]));
        var before = File.ReadAllBytes(photo);
        File.CreateSymbolicLink(temp.File("link.png"), photo);
        using var colorizer = new Colorizer(TinyColorizer.Model);
        foreach (var output in new[] { photo, temp.File("link.png"), Path.Combine(temp.Path, ".", "photo.png") })
        {
            var e = Assert.Throws<ArgumentException>(() => colorizer.ColorizeFile(photo, output));
            Assert.Contains("would destroy the photo", e.Message);
        }
        Assert.Equal(before, File.ReadAllBytes(photo));
    }

    [Fact]
    public void Null_arguments_are_refused_by_name()
    {
        using var colorizer = new Colorizer(TinyColorizer.Model);
        Assert.Equal("photo", Assert.Throws<ArgumentNullException>(() => colorizer.Colorize(null!)).ParamName);
        Assert.Equal("photoPath", Assert.Throws<ArgumentNullException>(() => colorizer.ColorizeFile(null!, "x.png")).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => OnnxColorizer.Load(null!)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => OnnxScorer.Load(null!)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => NeuralPipelines.Models.Checkpoints.ClassifierCheckpoint.Load(null!)).ParamName);
    }
}
