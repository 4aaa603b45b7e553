using NeuralPipelines.Data.Images;
using NeuralPipelines.Tests;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralPipelines.Data.Tests.Images;

public class ImageTreeTests
{
    [Fact]
    public void The_shipped_photo_folder_reads_as_two_classes_in_ordinal_order()
    {
        var entries = ImageTree.List(ShippedData.Photos);
        Assert.Equal(320, entries.Count);
        Assert.Equal(["test", "train"], entries.Select(e => e.Class).Distinct());
        Assert.Equal("test/00000.png", entries[0].RelativePath);
        Assert.Equal(entries.Select(e => e.RelativePath).Order(StringComparer.Ordinal), entries.Select(e => e.RelativePath));
        Assert.All(ImageTree.List(Path.Combine(ShippedData.Photos, "test")), e => Assert.Null(e.Class));
    }

    [Fact]
    public void Images_beside_class_folders_are_refused_naming_the_folder()
    {
        using var dir = new TempFolder();
        using (var image = new Image<Rgb24>(4, 4))
        {
            image.SaveAsPng(dir.File("top.png"));
            image.SaveAsPng(Path.Combine(Directory.CreateDirectory(dir.File("cat")).FullName, "a.png"));
        }
        var e = Assert.Throws<InvalidDataException>(() => ImageTree.List(dir.Path));
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("1 sub-folders", e.Message);
    }

    /// <summary>Audit C2: hidden entries were listed like any other, so a tree copied from a Mac (an AppleDouble "._a.png"
    /// beside each image, which is no image) stopped np score at the first, and a Jupyter ".ipynb_checkpoints" folder was
    /// scored as a class of its own.</summary>
    [Fact]
    public void Hidden_files_and_folders_are_not_listed()
    {
        using var dir = new TempFolder();
        using (var image = new Image<Rgb24>(4, 4))
        {
            image.SaveAsPng(Path.Combine(Directory.CreateDirectory(dir.File("cat")).FullName, "a.png"));
            image.SaveAsPng(Path.Combine(Directory.CreateDirectory(dir.File(".ipynb_checkpoints")).FullName, "b.png"));
        }
        dir.Write("cat/._a.png", "Mac resource fork, not an image");
        dir.Write("._top.png", "Mac resource fork, not an image");
        var entries = ImageTree.List(dir.Path);
        Assert.Equal(["cat/a.png"], entries.Select(e => e.RelativePath));
        Assert.Equal(["a.png"], ImageTree.List(dir.File("cat")).Select(e => e.RelativePath));
    }

    /// <summary>Audit C5: a FIFO named like an image was opened as an image file, and opening a FIFO waits for a writer: np
    /// score hung for ever at it, --on-error skip or not. A FIFO, a device (or a link to one) or a socket is refused at once.</summary>
    [Fact]
    public async Task A_fifo_or_a_device_named_like_an_image_is_refused_without_waiting()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempFolder();
        var fifo = dir.File("p.png");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])!) mkfifo.WaitForExit();
        File.CreateSymbolicLink(dir.File("zero.png"), "/dev/zero");
        foreach (var path in new[] { fifo, dir.File("zero.png") })
        {
            var read = Task.Run(() => ImageFile.ReadInto(path, new float[784], 0, 1, 28, 28));
            if (await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10))) != read)
            {
                using (new FileStream(fifo, FileMode.Open, FileAccess.Write)) { } // lets the stuck read go
                Assert.Fail($"{path}: still reading after 10 s");
            }
            var e = await Assert.ThrowsAsync<InvalidDataException>(() => read);
            Assert.Contains(path, e.Message);
        }
    }

    [Theory]
    [InlineData("gif")]
    [InlineData("tiff")]
    [InlineData("webp")]
    public void A_GIF_TIFF_or_WebP_named_png_is_refused_although_ImageSharp_could_decode_it(string format)
    {
        using var dir = new TempFolder();
        var path = dir.File("disguised.png");
        using (var image = new Image<Rgb24>(28, 28))
            image.Save(path, format switch { "gif" => new GifEncoder(), "tiff" => new TiffEncoder(), _ => (SixLabors.ImageSharp.Formats.IImageEncoder)new WebpEncoder() });
        using (Image.Load(path)) { } // the default configuration reads it
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.ReadInto(path, new float[784], 0, 1, 28, 28));
        Assert.Contains(path, e.Message);
        Assert.Contains("PNG, JPEG or BMP", e.Message);
    }
}
