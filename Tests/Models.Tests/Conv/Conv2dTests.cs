using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Conv;

public class Conv2dTests
{
    public static TheoryData<int, int, int, int, int[], int[], int[], int[], bool> Cases => new()
    {
        // in, out, H, W, kernel, stride, padding, dilation, bias
        { 2, 3, 5, 5, [3, 3], [1, 1], [1, 1], [1, 1], true },
        { 3, 4, 7, 6, [3, 3], [2, 2], [1, 1], [2, 2], true },     // stride and dilation > 1, odd sizes
        { 2, 2, 9, 7, [2, 3], [2, 1], [1, 0], [1, 2], true },     // rectangular everything
        { 4, 5, 5, 5, [1, 1], [1, 1], [0, 0], [1, 1], false },    // 1×1, no bias
        { 1, 2, 6, 6, [5, 5], [3, 3], [2, 2], [1, 1], true },     // stride 3 skips pixels
    };

    private static Conv2d Make(int inC, int outC, int[] k, int[] s, int[] p, int[] d, bool bias, int seed)
    {
        var conv = new Conv2d(inC, outC, (k[0], k[1]), (s[0], s[1]), (p[0], p[1]), (d[0], d[1]), bias, rng: new Random(seed));
        if (conv.Bias is not null)
            for (int i = 0; i < outC; i++) conv.Bias.Value[i] = 0.1f * (i + 1);
        return conv;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Forward_matches_the_direct_convolution(int inC, int outC, int h, int w, int[] k, int[] s, int[] p, int[] d, bool bias)
    {
        var conv = Make(inC, outC, k, s, p, d, bias, 1);
        var x = GradientCheck.Random(new Random(2), 3, inC, h, w);
        var y = conv.Forward(x, training: true);
        var g = new Im2ColGeometry(inC, h, w, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1]);
        var expected = new Tensor(3, outC, g.OutHeight, g.OutWidth);
        DirectConv2dReference.Forward(x.Span, 3, g, conv.Weight.Value.Span, outC, conv.Bias is null ? [] : conv.Bias.Value.Span, expected.Span);
        Assert.Equal(expected.ShapeArray(), y.ShapeArray());
        Assert.Equal(expected.ShapeArray()[1..], conv.OutputShape([inC, h, w]));
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], y[i], 4);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(int inC, int outC, int h, int w, int[] k, int[] s, int[] p, int[] d, bool bias)
    {
        var conv = Make(inC, outC, k, s, p, d, bias, 3);
        var x = GradientCheck.Random(new Random(4), 2, inC, h, w);
        var result = GradientCheck.Layer(conv, x);
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    [Fact]
    public void Gradients_accumulate_across_backward_calls()
    {
        var conv = new Conv2d(1, 1, 3, padding: 1);
        var x = GradientCheck.Random(new Random(1), 1, 1, 4, 4);
        var dy = GradientCheck.Random(new Random(2), 1, 1, 4, 4);
        conv.Forward(x, true); conv.Backward(dy);
        var once = conv.Weight.Gradient.Clone();
        conv.Forward(x, true); conv.Backward(dy);
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], conv.Weight.Gradient[i], 5);
    }

    [Fact]
    public void Wrong_channel_count_names_both_shapes()
    {
        var conv = new Conv2d(3, 8, 3);
        var e = Assert.Throws<ArgumentException>(() => conv.Forward(new Tensor(2, 1, 28, 28), true));
        Assert.Contains("[N×3×H×W]", e.Message);
        Assert.Contains("[2×1×28×28]", e.Message);
    }

    [Fact]
    public void Input_smaller_than_the_window_is_rejected()
    {
        var conv = new Conv2d(1, 1, 5, dilation: 2);
        var e = Assert.Throws<ArgumentException>(() => conv.OutputShape([1, 6, 6]));
        Assert.Contains("9×9", e.Message);
    }

    [Fact]
    public void Spec_round_trips_with_all_arguments()
    {
        var conv = new Conv2d(3, 4, (3, 2), (2, 1), (1, 0), (1, 2), bias: false);
        var rebuilt = (Conv2d)LayerRegistry.Build(LayerSpec.FromJson(conv.Spec.ToJson()));
        Assert.Equal(conv.Spec.ToJson(), rebuilt.Spec.ToJson());
        Assert.Equal((3, 2), rebuilt.Kernel);
        Assert.Equal((1, 2), rebuilt.Dilation);
        Assert.Null(rebuilt.Bias);
    }
}
