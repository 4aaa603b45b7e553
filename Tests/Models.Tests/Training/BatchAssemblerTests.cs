using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Tests.Training;

public class BatchAssemblerTests
{
    private static LabelledImages Toy()
    {
        // Three 1×2×2 images with pixel values 10·i + j and labels 2, 0, 1.
        var pixels = Enumerable.Range(0, 3).SelectMany(i => Enumerable.Range(0, 4).Select(j => (float)(10 * i + j))).ToArray();
        return new LabelledImages("toy", pixels, [2, 0, 1], 1, 2, 2, 3);
    }

    [Fact]
    public void Fill_gathers_the_chosen_images_and_one_hot_targets()
    {
        var batches = new BatchAssembler(Toy());
        batches.Fill([2, 0, 1], 0, 2, null);
        Assert.Equal([2, 1, 2, 2], batches.Images.ShapeArray());
        Assert.Equal([20f, 21f, 22f, 23f, 0f, 1f, 2f, 3f], batches.Images.Span.ToArray());
        Assert.Equal([0f, 1f, 0f, 0f, 0f, 1f], batches.Targets.Span.ToArray());
        batches.Fill([2, 0, 1], 2, 1, null); // the last, smaller batch reuses the buffers
        Assert.Equal([1, 1, 2, 2], batches.Images.ShapeArray());
        Assert.Equal([10f, 11f, 12f, 13f], batches.Images.Span.ToArray());
    }

    [Fact]
    public void Normalization_is_measured_per_channel_and_applied()
    {
        var data = Toy();
        var norm = Normalization.Measure(data);
        double mean = data.Pixels.Average();
        Assert.Equal(mean, norm.Mean[0], 4);
        var batches = new BatchAssembler(data, norm);
        batches.FillSequential(0, 3);
        Assert.Equal(0, batches.Images.Span.ToArray().Average(), 4);
        Assert.Equal(1, Math.Sqrt(batches.Images.Span.ToArray().Select(v => (double)v * v).Average()), 3);
    }
}
