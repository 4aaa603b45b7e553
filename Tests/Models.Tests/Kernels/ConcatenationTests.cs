using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Kernels.Twins;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The channel concatenation and its backward pieces against their plain loops, on MNIST pixels in the shapes of
/// pix2pix's U-Net skips (16 images, 32 + 32 channels of 16×16) and of its condition–image pairs (1 + 2 channels of
/// 64×64): the same bits on one thread and on two, every element written.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class ConcatenationTests
{
    [Theory]
    [InlineData(16, 32, 32, 16)]
    [InlineData(16, 1, 2, 64)]
    [InlineData(3, 5, 7, 9)]
    public void Join_part_and_add_part_are_the_plain_loops_on_one_thread_and_two(int batch, int aChannels, int bChannels, int size)
    {
        int plane = size * size;
        var a = new Tensor(TwinData.Pixels((long)batch * aChannels * plane, 0, -0.25f), batch, aChannels, size, size);
        var b = new Tensor(TwinData.Pixels((long)batch * bChannels * plane, 977, -0.5f), batch, bChannels, size, size);
        var expected = Run(a, b, Concatenation.JoinReference, Concatenation.PartReference, Concatenation.AddPartReference);
        foreach (int threads in new[] { 1, 2 })
        {
            using (new KernelSettingsScope(loopThreads: threads))
            {
                var actual = Run(a, b, Concatenation.Join, Concatenation.Part, Concatenation.AddPart);
                for (int k = 0; k < expected.Length; k++)
                    Assert.True(expected[k].AsSpan().SequenceEqual(actual[k]), $"output {k} differs on {threads} thread(s)");
            }
        }
        // The join really is a's image then b's, image by image.
        var y = Run(a, b, Concatenation.Join, Concatenation.Part, Concatenation.AddPart)[0];
        int al = aChannels * plane, bl = bChannels * plane;
        Assert.Equal(a.Span[(batch - 1) * al], y[(batch - 1) * (al + bl)]);
        Assert.Equal(b.Span[(batch - 1) * bl + bl - 1], y[batch * (al + bl) - 1]);
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_refused_naming_them()
    {
        var a = new Tensor(2, 3, 4, 4); var b = new Tensor(3, 1, 4, 4); var y = new Tensor(2, 4, 4, 4);
        var e = Assert.Throws<ArgumentException>(() => Concatenation.Join(a, b, y));
        Assert.Contains("[3×1×4×4]", e.Message);
        Assert.Throws<ArgumentException>(() => Concatenation.Part(y, 20, new Tensor(2, 3, 4, 4)));
    }

    /// <summary>y = [a, b]; then b's part of y back out, and a + (a's part of y): every output NaN-filled first.</summary>
    private static float[][] Run(Tensor a, Tensor b, Action<Tensor, Tensor, Tensor> join, Action<Tensor, int, Tensor> part,
        Action<Tensor, int, Tensor, Tensor> addPart)
    {
        int n = a.Dim(0);
        var y = new Tensor(TwinData.Unwritten((long)n * (a.ItemLength + b.ItemLength)), n, a.Dim(1) + b.Dim(1), a.Dim(2), a.Dim(3));
        join(a, b, y);
        var bPart = new Tensor(TwinData.Unwritten(b.Length), b.ShapeArray());
        part(y, a.ItemLength, bPart);
        var sum = new Tensor(TwinData.Unwritten(a.Length), a.ShapeArray());
        addPart(y, 0, a, sum);
        Assert.DoesNotContain(y.Span.ToArray(), float.IsNaN);
        Assert.Equal(b.Span.ToArray(), bPart.Span.ToArray());
        return [y.Span.ToArray(), bPart.Span.ToArray(), sum.Span.ToArray()];
    }
}
