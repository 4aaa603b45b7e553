using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;
using NeuralPipelines.Models.Tests.Kernels;

namespace NeuralPipelines.Models.Tests.Conv;

/// <summary>The cropped-kernel route for tiny planes: which taps it keeps, and Conv2d / ConvTranspose2d on it against the
/// definitions (the plain twins of the direct kernels) with the full kernel, over two passes so gradients accumulate.</summary>
[Collection(nameof(NeuralPipelines.Models.Tests.Kernels.GemmThreadsCollection))]
public class TapCropTests
{
    [Fact]
    public void Gather_and_scatter_add_of_a_256_to_256_layers_planes_are_the_plain_loops_on_one_thread_and_two()
    {
        // pix2pix's innermost 4×4 kernels, 256 × 256 planes (16 pieces), on MNIST pixels; the live 2×2 block at (1, 1).
        const int planes = 256 * 256;
        var crop = new TapCrop(1, 1, 2, 2);
        var weight = Kernels.Twins.TwinData.Pixels(planes * 16, 0, -0.25f);
        var gradient = Kernels.Twins.TwinData.Pixels(planes * 4, 977, -0.5f);
        var gathered = new float[planes * 4];
        var summed = (float[])weight.Clone();
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                {
                    gathered[p * 4 + i * 2 + j] = weight[p * 16 + (1 + i) * 4 + 1 + j];
                    summed[p * 16 + (1 + i) * 4 + 1 + j] += gradient[p * 4 + i * 2 + j];
                }
        using var settings = new KernelSettingsScope();
        foreach (int threads in new[] { 1, 2 })
        {
            KernelLoop.MaxThreads = threads;
            var g = new float[planes * 4];
            crop.Gather(weight, planes, 4, 4, g);
            var w = (float[])weight.Clone();
            crop.ScatterAdd(gradient, planes, 4, 4, w);
            Assert.Equal(gathered, g);
            Assert.Equal(summed, w);
        }
    }

    [Fact]
    public void Keeps_the_live_taps_of_the_U_Net_innermost_geometry_only()
    {
        // 4×4 stride 2 padding 1: 2×2 → 1×1 reads taps 1..2 on each axis; 4×4 → 2×2 reads all four; 3×3 padding 1 on 1×1: the centre.
        Assert.Equal(new TapCrop(1, 1, 2, 2), TapCrop.Of(new Im2ColGeometry(8, 2, 2, 4, 4, 2, 2, 1, 1)));
        Assert.Null(TapCrop.Of(new Im2ColGeometry(8, 4, 4, 4, 4, 2, 2, 1, 1)));
        Assert.Null(TapCrop.Of(new Im2ColGeometry(8, 64, 64, 4, 4, 2, 2, 1, 1)));
        Assert.Equal(new TapCrop(1, 1, 1, 1), TapCrop.Of(new Im2ColGeometry(8, 1, 1, 3, 3, 1, 1, 1, 1)));
        var cropped = new TapCrop(1, 1, 2, 2).Apply(new Im2ColGeometry(8, 2, 2, 4, 4, 2, 2, 1, 1));
        Assert.Equal((2, 2, 0, 0, 1, 1), (cropped.KernelH, cropped.KernelW, cropped.PadH, cropped.PadW, cropped.OutHeight, cropped.OutWidth));
    }

    public static TheoryData<int, int, int, int, int, int, int> Convolutions => new()
    {
        // in, out, H, W, kernel, stride, padding
        { 5, 3, 2, 2, 4, 2, 1 },   // the U-Net's innermost down convolution
        { 4, 6, 1, 1, 3, 1, 1 },   // a 3×3 on a 1×1 plane: the centre tap alone
        { 3, 2, 2, 3, 4, 2, 1 },   // rectangular: 2×3 → 1×1, live taps 2×3
    };

    [Theory, MemberData(nameof(Convolutions))]
    public void Conv2d_on_a_tiny_plane_matches_the_definition(int inC, int outC, int h, int w, int k, int s, int p)
    {
        var layer = new Conv2d(inC, outC, k, stride: s, padding: p, rng: new Random(1));
        for (int o = 0; o < outC; o++) layer.Bias!.Value[o] = 0.1f * o - 0.05f;
        var g = new Im2ColGeometry(inC, h, w, k, k, s, s, p, p);
        Assert.NotNull(TapCrop.Of(g));
        const int n = 3;
        var expectedDw = new float[layer.Weight.Value.Length];
        var expectedDb = new float[outC];
        for (int pass = 0; pass < 2; pass++)
        {
            var x = GradientCheck.Random(new Random(10 + pass), n, inC, h, w);
            var dy = GradientCheck.Random(new Random(20 + pass), n, outC, g.OutHeight, g.OutWidth);
            var y = layer.Forward(x, true);
            var expected = new float[n * outC * g.OutPixels];
            DirectConv2dReference.Forward(x.Span, n, g, layer.Weight.Value.Span, outC, layer.Bias!.Value.Span, expected);
            Close(expected, y.Span);
            var dx = layer.Backward(dy);
            var expectedDx = new float[x.Length];
            DirectConv2dReference.InputGradient(dy.Span, n, g, layer.Weight.Value.Span, outC, expectedDx);
            Close(expectedDx, dx.Span);
            DirectConv2dReference.WeightGradient(x.Span, dy.Span, n, g, outC, expectedDw);
            for (int i = 0; i < dy.Length; i++) expectedDb[i / g.OutPixels % outC] += dy[i];
            Close(expectedDw, layer.Weight.Gradient.Span);
            Close(expectedDb, layer.Bias.Gradient.Span);
        }
    }

    [Fact]
    public void ConvTranspose2d_from_1x1_matches_the_definition()
    {
        // The U-Net's innermost up-sampling: 1×1 → 2×2, 4×4 stride 2 padding 1, whose live taps are the middle 2×2.
        const int n = 3, inC = 5, outC = 4;
        var layer = new ConvTranspose2d(inC, outC, 4, stride: 2, padding: 1, rng: new Random(2));
        for (int o = 0; o < outC; o++) layer.Bias!.Value[o] = 0.2f - 0.1f * o;
        var g = new Im2ColGeometry(outC, 2, 2, 4, 4, 2, 2, 1, 1); // the convolution it is the transpose of: 2×2 → 1×1
        Assert.NotNull(TapCrop.Of(g));
        var expectedDw = new float[layer.Weight.Value.Length];
        var expectedDb = new float[outC];
        for (int pass = 0; pass < 2; pass++)
        {
            var x = GradientCheck.Random(new Random(30 + pass), n, inC, 1, 1);
            var dy = GradientCheck.Random(new Random(40 + pass), n, outC, 2, 2);
            var y = layer.Forward(x, true);
            Assert.Equal([n, outC, 2, 2], y.ShapeArray());
            var expected = new float[y.Length];
            DirectConv2dReference.InputGradient(x.Span, n, g, layer.Weight.Value.Span, inC, expected);
            for (int i = 0; i < expected.Length; i++) expected[i] += layer.Bias!.Value[i / 4 % outC];
            Close(expected, y.Span);
            var dx = layer.Backward(dy);
            var expectedDx = new float[x.Length];
            DirectConv2dReference.Forward(dy.Span, n, g, layer.Weight.Value.Span, inC, default, expectedDx);
            Close(expectedDx, dx.Span);
            DirectConv2dReference.WeightGradient(dy.Span, x.Span, n, g, inC, expectedDw);
            for (int i = 0; i < dy.Length; i++) expectedDb[i / 4 % outC] += dy[i];
            Close(expectedDw, layer.Weight.Gradient.Span);
            Close(expectedDb, layer.Bias!.Gradient.Span);
        }
    }

    [Fact]
    public void Gradients_of_the_cropped_routes_match_finite_differences()
    {
        var down = new Conv2d(3, 4, 4, stride: 2, padding: 1, rng: new Random(5));
        var result = GradientCheck.Layer(down, GradientCheck.Random(new Random(6), 2, 3, 2, 2));
        Assert.True(result.Error <= 1e-3, result.ToString());
        var up = new ConvTranspose2d(4, 3, 4, stride: 2, padding: 1, rng: new Random(7));
        result = GradientCheck.Layer(up, GradientCheck.Random(new Random(8), 2, 4, 1, 1));
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f + 1e-5f * Math.Abs(expected[i]), $"at {i}: expected {expected[i]}, got {actual[i]}");
    }
}
