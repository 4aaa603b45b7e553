using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Onnx.Batch;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralPipelines.Onnx.Tests.Batch;

public class ImageRowsTests
{
    /// <summary>Writes MNIST test digits as 8-bit grey PNGs, one sub-folder per class; returns the images written.</summary>
    internal static LabelledImages WriteDigits(string folder, int count)
    {
        var test = IdxImageFolder.Load(ShippedData.Mnist).Test.Take(count);
        for (int i = 0; i < count; i++)
        {
            var dir = Directory.CreateDirectory(Path.Combine(folder, test.Labels[i].ToString()));
            File.WriteAllBytes(Path.Combine(dir.FullName, $"{i:D4}.png"), ImageWriter.GreyPng(test.Image(i), 28, 28));
        }
        return test;
    }

    [Fact]
    public void A_class_folder_of_PNG_digits_reads_back_as_the_IDX_pixels_with_the_folder_as_label()
    {
        using var dir = new TempFolder();
        var digits = WriteDigits(dir.Path, 40);
        using var source = new ImageRows(dir.Path, [1, 28, 28], "mlp", resize: false, threads: 2);
        Assert.True(source.HasLabels);
        var chunk = new RowChunk(64, 784, 10);
        Assert.False(source.Fill(chunk, Shard.All));
        Assert.Equal(40, chunk.Count);
        Assert.Empty(chunk.Errors);
        for (int row = 0; row < chunk.Count; row++)
        {
            // Sorted by "label/index.png": recover the digit's index from its name.
            int i = int.Parse(Path.GetFileNameWithoutExtension(chunk.Items[row]!));
            Assert.Equal(digits.Labels[i].ToString(), chunk.Labels[row]);
            Assert.Equal($"{digits.Labels[i]}/{i:D4}.png", chunk.Items[row]);
            Assert.Equal(digits.Image(i).ToArray(), chunk.Input(row).ToArray());
        }
    }

    [Fact]
    public void A_wrong_size_is_refused_naming_the_file_and_both_sizes_unless_resizing_is_asked_for()
    {
        using var dir = new TempFolder();
        using (var image = new Image<Rgb24>(40, 30)) image.SaveAsBmp(dir.File("wide.bmp"));
        var chunk = new RowChunk(4, 784, 10);
        using (var strict = new ImageRows(dir.Path, [1, 28, 28], "mlp", resize: false, threads: 1))
            strict.Fill(chunk, Shard.All);
        var error = Assert.Single(chunk.Errors);
        Assert.Equal("wide.bmp", error.Item);
        Assert.Contains(dir.File("wide.bmp"), error.Error);
        Assert.Contains("40×30", error.Error);
        Assert.Contains("28×28", error.Error);
        Assert.Equal(0, chunk.Count);

        chunk.Clear();
        using (var resizing = new ImageRows(dir.Path, [1, 28, 28], "mlp", resize: true, threads: 1))
            resizing.Fill(chunk, Shard.All);
        Assert.Empty(chunk.Errors);
        Assert.Equal(1, chunk.Count);
    }

    [Fact]
    public void Bad_files_are_squeezed_out_of_a_chunk_and_listed_in_row_order()
    {
        using var dir = new TempFolder();
        var digits = WriteDigits(dir.Path, 12);
        var files = Directory.GetFiles(dir.Path, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        File.WriteAllBytes(files[2], File.ReadAllBytes(files[2])[..40]);
        File.WriteAllText(files[7], "not an image");
        using var source = new ImageRows(dir.Path, [1, 28, 28], "mlp", resize: false, threads: 2);
        var chunk = new RowChunk(16, 784, 10);
        source.Fill(chunk, Shard.All);
        Assert.Equal([2L, 7L], chunk.Errors.Select(e => e.Row));
        Assert.Equal(10, chunk.Count);
        Assert.DoesNotContain(2L, chunk.Rows[..chunk.Count]);
        Assert.DoesNotContain(7L, chunk.Rows[..chunk.Count]);
        // Each good image after a squeezed-out one is still its own pixels.
        for (int row = 0; row < chunk.Count; row++)
        {
            int i = int.Parse(Path.GetFileNameWithoutExtension(chunk.Items[row]!));
            Assert.Equal(digits.Image(i).ToArray(), chunk.Input(row).ToArray());
        }
    }

    [Fact]
    public void A_model_that_does_not_take_images_is_refused_naming_its_shape()
    {
        using var dir = new TempFolder();
        WriteDigits(dir.Path, 1);
        var e = Assert.Throws<InvalidDataException>(() => new ImageRows(dir.Path, [784], "flat.onnx", false, 1));
        Assert.Contains("flat.onnx", e.Message);
        Assert.Contains("[784]", e.Message);
    }
}
