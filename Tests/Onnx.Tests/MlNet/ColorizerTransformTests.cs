using Xunit.Abstractions;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Onnx.Tests.Support;
using NeuralPipelines.Pipelines.Generative;

namespace NeuralPipelines.Onnx.Tests.MlNet;

/// <summary>A trained colorizer in ML.NET: a column of photos becomes a column of colorized images equal to
/// <see cref="Colorizer"/>'s own on the same pixels; the pipeline saves with <c>ml.Model.Save</c>, and a fresh process with
/// no NeuralPipelines code gives the same pixels.</summary>
public sealed class ColorizerTransformTests(ITestOutputHelper output)
{
    private const int Size = TinyColorizer.Size;

    private sealed class PhotoFile
    {
        public string Path { get; set; } = "";
    }

    /// <summary>An image column as an ML.NET app makes one: file paths through ML.NET's LoadImages.</summary>
    private static IDataView Photos(MLContext ml, IEnumerable<string> files)
    {
        var paths = ml.Data.LoadFromEnumerable(files.Select(f => new PhotoFile { Path = f }).ToArray());
        return ml.Transforms.LoadImages("Image", imageFolder: null, "Path").Fit(paths).Transform(paths);
    }

    /// <summary>What ML.NET hands the graph: its own resize and pixel extraction, run alone, as planar RGB in [0, 1].</summary>
    private static float[] ResizedPixels(MLContext ml, IDataView photos) =>
        ml.Transforms.ResizeImages("Small", Size, Size, "Image", ImageResizingEstimator.ResizingKind.Fill)
            .Append(ml.Transforms.ExtractPixels("Rgb", "Small", ImagePixelExtractingEstimator.ColorBits.Rgb, scaleImage: 1f / 255f))
            .Fit(photos).Transform(photos).GetColumn<VBuffer<float>>("Rgb").SelectMany(v => v.DenseValues()).ToArray();

    [Fact]
    public void Image_column_to_colorized_column_matches_the_colorizer_here_and_in_a_fresh_process()
    {
        using var temp = new TempFolder();
        var onnx = temp.File("colorizer.onnx");
        File.WriteAllBytes(onnx, TinyColorizer.Onnx);
        var files = TinyColorizer.TestPhotos(6);
        var ml = new MLContext(seed: 1);
        var photos = Photos(ml, files);

        var transformer = ml.Transforms.ColorizeImages("Colorized", "Image", onnx).Fit(photos);
        var scored = transformer.Transform(photos);
        Assert.Equal(["Path", "Image", "Colorized"], scored.Schema.Select(c => c.Name));
        var images = scored.GetColumn<MLImage>("Colorized").ToArray();

        // The same pixels through Colorizer.ColorizeBatch, ×255: equal to a level (the graph rounds what differs from
        // ours by ≤ 1e-3, so a value at a half level may round the other way).
        var resized = ResizedPixels(ml, photos);
        var expected = new Colorizer(TinyColorizer.Model).ColorizeBatch(new PhotoSet("resized", resized, Size, files));
        int plane = Size * Size, exact = 0;
        Assert.Equal(files.Count, images.Length);
        for (int i = 0; i < images.Length; i++)
        {
            var image = images[i];
            Assert.Equal((Size, Size, MLPixelFormat.Bgra32), (image.Width, image.Height, image.PixelFormat));
            var bgra = image.Pixels;
            for (int j = 0; j < plane; j++)
            {
                Assert.Equal(255, bgra[4 * j + 3]);
                for (int c = 0; c < 3; c++)
                {
                    float want = expected[i * 3 * plane + c * plane + j] * 255f;
                    int got = bgra[4 * j + 2 - c]; // BGRA: R is byte 2
                    Assert.True(Math.Abs(got - want) <= 0.5f + 0.3f, $"photo {i}, pixel {j}, channel {c}: {got} against {want:F3}");
                    if (got == (int)MathF.Round(want)) exact++;
                }
            }
        }
        output.WriteLine($"{exact} of {images.Length * 3 * plane} levels equal to Colorizer.ColorizeBatch's rounded, the rest within one");
        Assert.True(exact >= 0.99 * images.Length * 3 * plane, $"only {exact} of {images.Length * 3 * plane} levels equal");

        var zip = temp.File("colorizer.zip");
        ml.Model.Save(transformer, photos.Schema, zip);
        var there = MlNetProbe.ScoreImages(zip, files, temp.Path, "Colorized", "Image");
        Assert.Equal(images.Length, there.Length);
        for (int i = 0; i < images.Length; i++)
        {
            Assert.Equal($"{Size} {Size} Bgra32", there[i].Header);
            Assert.Equal(images[i].Pixels.ToArray(), there[i].Pixels);
        }
    }

    [Fact]
    public void A_checkpoint_gives_the_same_column_as_its_export_and_a_classifier_is_refused_by_name()
    {
        using var temp = new TempFolder();
        var onnx = temp.File("colorizer.onnx");
        File.WriteAllBytes(onnx, TinyColorizer.Onnx);
        var checkpoint = temp.File("colorizer.ckpt");
        new ColorizerCheckpoint(TinyColorizer.Model, null).Save(checkpoint);
        var ml = new MLContext(seed: 1);
        var photos = Photos(ml, TinyColorizer.TestPhotos(2));
        byte[][] Colorize(string path) => ml.Transforms.ColorizeImages("Colorized", "Image", path).Fit(photos).Transform(photos)
            .GetColumn<MLImage>("Colorized").Select(m => m.Pixels.ToArray()).ToArray();
        var fromOnnx = Colorize(onnx);
        var fromCheckpoint = Colorize(checkpoint);
        for (int i = 0; i < fromOnnx.Length; i++)
            Assert.True(fromOnnx[i].Zip(fromCheckpoint[i]).All(p => Math.Abs(p.First - p.Second) <= 1), $"photo {i}");

        var (_, _, classifier) = TestModels.SmallMlp();
        var mlp = temp.File("mlp.onnx");
        File.WriteAllBytes(mlp, classifier);
        var e = Assert.Throws<InvalidDataException>(() => ml.Transforms.ColorizeImages("Colorized", "Image", mlp));
        Assert.StartsWith($"{mlp}: the ONNX model is a ", e.Message);
        Assert.Contains("not a colorizer", e.Message);

        // A file no ONNX model can be (past protobuf's 2 GB) is refused naming it before it is read: it was read whole,
        // and .NET's refusal named no file.
        var huge = temp.File("huge.onnx");
        using (var f = File.Create(huge)) f.SetLength(3L << 30); // sparse: takes no disk
        e = Assert.Throws<InvalidDataException>(() => ml.Transforms.ColorizeImages("Colorized", "Image", huge));
        Assert.StartsWith($"{huge}: ", e.Message);
        Assert.Contains("protobuf's limit", e.Message);

        // A checkpoint under another name is still taken as one, as np colorize takes it.
        var renamed = temp.File("colorizer.model");
        File.Copy(checkpoint, renamed);
        Assert.Equal(fromCheckpoint.Length, Colorize(renamed).Length);
    }
}
