using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Conv;

public class DirectConv2dTests
{
    /// <summary>Equal up to float rounding: the kernels add the same products in a different order.</summary>
    private static void Close(float expected, float actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5f * (1 + Math.Abs(expected)), $"expected {expected}, got {actual}");

    public static TheoryData<int[]> Shapes => new()
    {
        // C, H, W, kH, kW, pH, pW, out channels, batch
        { [1, 28, 28, 5, 5, 2, 2, 6, 3] },    // LeNet's first layer: six channels run as a padded group of eight
        { [1, 28, 28, 3, 3, 1, 1, 16, 2] },   // a ResNet stem: two full groups
        { [3, 9, 13, 3, 3, 0, 1, 5, 2] },     // several input channels, width not a multiple of eight, uneven padding
        { [2, 8, 12, 2, 4, 1, 0, 9, 1] },      // a group of eight and a group of one
        { [1, 28, 28, 5, 5, 2, 2, 6, 64] },   // enough work for the parallel path
        { [6, 14, 14, 5, 5, 0, 0, 16, 4] },   // LeNet's second layer: 150 taps, 10-pixel rows (one full vector, one partial)
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Direct_convolution_matches_its_reference(int[] a)
    {
        var g = new Im2ColGeometry(a[0], a[1], a[2], a[3], a[4], 1, 1, a[5], a[6]);
        int outChannels = a[7], batch = a[8];
        Assert.True(DirectConv2d.Suits(g) || !System.Runtime.Intrinsics.X86.Fma.IsSupported);
        if (!DirectConv2d.Suits(g)) return;
        var rng = new Random(11);
        var x = GradientChecker.Random(rng, batch, a[0], a[1], a[2]).Data;
        var w = GradientChecker.Random(rng, outChannels, a[0], a[3], a[4]).Data;
        var b = GradientChecker.Random(rng, outChannels).Data;
        foreach (var bias in new[] { b, [] })
        {
            var fast = Enumerable.Repeat(float.NaN, batch * outChannels * g.OutPixels).ToArray(); // every output must be written
            var slow = new float[fast.Length];
            DirectConv2d.Forward(x, batch, g, w, outChannels, bias, fast);
            DirectConv2dReference.Forward(x, batch, g, w, outChannels, bias, slow);
            for (int i = 0; i < slow.Length; i++) Close(slow[i], fast[i]);
        }
    }

    [Fact]
    public void Conv2d_inference_through_the_direct_kernel_equals_its_training_pass_and_still_has_gradients()
    {
        var rng = new Random(3);
        var conv = new Conv2d(1, 6, 5, padding: 2, rng: rng);
        var x = GradientChecker.Random(rng, 4, 1, 28, 28);
        var trained = conv.Forward(x, training: true).Span.ToArray();
        var dyTensor = GradientChecker.Random(rng, 4, 6, 28, 28);
        var dxTrained = conv.Backward(dyTensor).Span.ToArray();
        var gradTrained = conv.Weight.Gradient.Span.ToArray();
        conv.Weight.Gradient.Clear();
        var inferred = conv.Forward(x, training: false).Span.ToArray();
        for (int i = 0; i < trained.Length; i++) Close(trained[i], inferred[i]);
        // Backward after an inference pass builds the columns it skipped and gives the same gradients.
        var dx = conv.Backward(dyTensor).Span.ToArray();
        for (int i = 0; i < dx.Length; i++) Close(dxTrained[i], dx[i]);
        var grad = conv.Weight.Gradient.Span.ToArray();
        for (int i = 0; i < grad.Length; i++) Close(gradTrained[i], grad[i]);
    }

    [Fact]
    public void Conv2d_training_pass_through_the_direct_kernel_matches_the_definition_and_finite_differences()
    {
        var rng = new Random(8);
        var conv = new Conv2d(2, 3, 3, padding: 1, rng: rng);
        var x = GradientChecker.Random(rng, 2, 2, 9, 9);
        var g = new Im2ColGeometry(2, 9, 9, 3, 3, 1, 1, 1, 1);
        Assert.True(DirectConv2d.Suits(g) || !System.Runtime.Intrinsics.X86.Fma.IsSupported);
        var expected = new float[2 * 3 * 81];
        DirectConv2dReference.Forward(x.Span, 2, g, conv.Weight.Value.Span, 3, conv.Bias!.Value.Span, expected);
        var y = conv.Forward(x, training: true).Span.ToArray();
        for (int i = 0; i < expected.Length; i++) Close(expected[i], y[i]);
        var result = GradientChecker.Check(conv, x);
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    [Fact]
    public void Max_pool_inference_equals_training_and_backward_after_it_routes_to_the_winners()
    {
        var rng = new Random(4);
        var x = GradientChecker.Random(rng, 3, 2, 8, 6);
        var pool = new MaxPool2d(2);
        var trained = pool.Forward(x, training: true).Span.ToArray();
        var dy = GradientChecker.Random(rng, 3, 2, 4, 3);
        var dxTrained = pool.Backward(dy).Span.ToArray();
        Assert.Equal(trained, pool.Forward(x, training: false).Span.ToArray());
        Assert.Equal(dxTrained, pool.Backward(dy).Span.ToArray());
    }
}
