using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Conv;

public class ConvTranspose2dTests
{
    public static TheoryData<int, int, int, int, int[], int[], int[], int[], int[]> Cases => new()
    {
        // in, out, H, W, kernel, stride, padding, output padding, dilation
        { 2, 3, 4, 4, [3, 3], [1, 1], [1, 1], [0, 0], [1, 1] },
        { 3, 2, 3, 5, [3, 3], [2, 2], [1, 1], [1, 1], [1, 1] },   // output padding: 5×9 → 6×10
        { 2, 2, 5, 3, [4, 4], [2, 2], [1, 1], [0, 0], [1, 1] },   // pix2pix's up-sampling step
        { 1, 2, 3, 4, [3, 2], [2, 3], [0, 1], [1, 2], [2, 1] },   // rectangular, dilation, output padding
    };

    [Theory, MemberData(nameof(Cases))]
    public void Forward_matches_the_direct_scatter(int inC, int outC, int h, int w, int[] k, int[] s, int[] p, int[] op, int[] d)
    {
        var layer = new ConvTranspose2d(inC, outC, (k[0], k[1]), (s[0], s[1]), (p[0], p[1]), (op[0], op[1]), (d[0], d[1]), rng: new Random(1));
        for (int i = 0; i < outC; i++) layer.Bias!.Value[i] = -0.2f * i;
        var x = GradientCheck.Random(new Random(2), 2, inC, h, w);
        var y = layer.Forward(x, true);
        // A transposed convolution is the input gradient of the convolution that reads its output back down to x, so the
        // plain twin's InputGradient, with x as the gradients, is its definition.
        int oh = (h - 1) * s[0] - 2 * p[0] + d[0] * (k[0] - 1) + op[0] + 1, ow = (w - 1) * s[1] - 2 * p[1] + d[1] * (k[1] - 1) + op[1] + 1;
        var g = new Im2ColGeometry(outC, oh, ow, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1]);
        Assert.Equal((h, w), (g.OutHeight, g.OutWidth));
        var expected = new Tensor(2, outC, oh, ow);
        DirectConv2dReference.InputGradient(x.Span, 2, g, layer.Weight.Value.Span, inC, expected.Span);
        for (int i = 0; i < expected.Length; i++) expected[i] += layer.Bias!.Value[i / (oh * ow) % outC];
        Assert.Equal(expected.ShapeArray(), y.ShapeArray());
        Assert.Equal(expected.ShapeArray()[1..], layer.OutputShape([inC, h, w]));
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], y[i], 4);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(int inC, int outC, int h, int w, int[] k, int[] s, int[] p, int[] op, int[] d)
    {
        var layer = new ConvTranspose2d(inC, outC, (k[0], k[1]), (s[0], s[1]), (p[0], p[1]), (op[0], op[1]), (d[0], d[1]), rng: new Random(3));
        var x = GradientCheck.Random(new Random(4), 2, inC, h, w);
        var result = GradientCheck.Layer(layer, x);
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    [Fact]
    public void Undoes_the_size_change_of_the_matching_strided_convolution()
    {
        // A stride-2 3×3 convolution maps both 9×9 and 10×10 to 5×5; output padding picks 10×10.
        var down = new Conv2d(1, 1, 3, stride: 2, padding: 1);
        var up = new ConvTranspose2d(1, 1, 3, stride: 2, padding: 1, outputPadding: 1);
        Assert.Equal([1, 5, 5], down.OutputShape([1, 10, 10]));
        Assert.Equal([1, 10, 10], up.OutputShape([1, 5, 5]));
    }

    [Fact]
    public void Output_padding_must_be_smaller_than_the_stride()
    {
        var e = Assert.Throws<ArgumentException>(() => new ConvTranspose2d(1, 1, 3, stride: 2, outputPadding: 2));
        Assert.Contains("output padding", e.Message);
    }

    [Fact]
    public void Spec_round_trips()
    {
        var layer = new ConvTranspose2d(2, 3, (4, 3), (2, 2), (1, 0), (1, 0), (1, 1));
        var rebuilt = (ConvTranspose2d)LayerRegistry.Build(LayerSpec.FromJson(layer.Spec.ToJson()));
        Assert.Equal(layer.Spec.ToJson(), rebuilt.Spec.ToJson());
        Assert.Equal((1, 0), rebuilt.OutputPadding);
        Assert.Equal([2, 3, 4, 3], rebuilt.Weight.Value.ShapeArray());
    }
}
