using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary><see cref="ChannelsLastConv"/>, the route of PatchGAN's one-channel last layer: its three products against the
/// definitions (<see cref="DirectConv2dReference"/>) on that layer's shape and on a strided, dilated one, and the layer
/// taking it inside <see cref="Conv2d"/> with one and two threads giving the same bits.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class ChannelsLastConvTests
{
    public static TheoryData<int, int, int, int, int, int, int, int> Shapes => new()
    {
        // channels, size, kernel, stride, padding, dilation, out channels, batch
        { 256, 7, 4, 1, 1, 1, 1, 3 },   // PatchGAN's last layer at 64×64 (ndf 32): 4096 taps, 6×6 logits
        { 48, 9, 4, 2, 2, 2, 2, 2 },    // strided, dilated, padded past the kernel's reach, two output channels
        { 3, 5, 3, 1, 0, 1, 4, 1 },     // few channels, no padding
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Its_three_products_are_the_definitions(int channels, int size, int kernel, int stride, int padding, int dilation, int outChannels, int batch)
    {
        var g = new Im2ColGeometry(channels, size, size, kernel, kernel, stride, stride, padding, padding, dilation, dilation);
        var s = new ConvolutionGeometry(batch, outChannels, g);
        var p = ConvolutionProblem.Random(s, new Random(channels + size));
        var (x, w, b, dy, start, y, dw, dx) = (p.X, p.W, p.B, p.Dy, p.Start, p.Y, p.Dw, p.Dx);

        var conv = new ChannelsLastConv();
        var fastY = Enumerable.Repeat(float.NaN, y.Length).ToArray();
        conv.Forward(s, x, w, b, fastY);
        var fastDw = (float[])start.Clone();
        conv.WeightGradient(s, x, dy, fastDw);
        var fastDx = Enumerable.Repeat(float.NaN, dx.Length).ToArray();
        conv.InputGradient(s, dy, w, fastDx);
        for (int i = 0; i < y.Length; i++) Close(y[i], fastY[i], $"y[{i}]");
        for (int i = 0; i < dw.Length; i++) Close(dw[i], fastDw[i], $"∂C/∂w[{i}]");
        for (int i = 0; i < dx.Length; i++) Close(dx[i], fastDx[i], $"∂C/∂x[{i}]");
    }

    [Fact]
    public void PatchGans_last_layer_takes_it_with_the_same_bits_on_one_and_two_threads()
    {
        var s = new ConvolutionGeometry(16, 1, new Im2ColGeometry(256, 7, 7, 4, 4, 1, 1, 1, 1));
        Assert.True(ChannelsLastConv.Suits(s));
        Assert.False(ChannelsLastConv.Suits(s with { OutChannels = 3 }));
        var rng = new Random(5);
        var x = GradientCheck.Random(rng, 4, 256, 7, 7);
        var dy = GradientCheck.Random(rng, 4, 1, 6, 6);
        var results = new List<float[]>();
        using (new KernelSettingsScope())
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Gemm.Threads = threads;
                var layer = new Conv2d(256, 1, 4, stride: 1, padding: 1, rng: new Random(6));
                var y = layer.Forward(x, training: true).Span.ToArray();
                var dx = layer.Backward(dy).Span.ToArray();
                results.Add([.. y, .. dx, .. layer.Weight.Gradient.Span.ToArray(), .. layer.Bias!.Gradient.Span.ToArray()]);
            }
        }
        Assert.Equal(results[0], results[1]);
    }

    private static void Close(float expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4f * (1 + Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");
}
