using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary><see cref="ChannelsLastForward"/>, the 512-bit forward route of layers with whole blocks of 16 input and 64
/// output channels: its output against the definition (<see cref="DirectConv2dReference"/>) on ResNet-8's and the DCGAN's
/// shapes (stride 2, 1×1, 4×4, one and two blocks of 64 output channels, a last tile of fewer than six pixels), and inside <see cref="Conv2d"/> with
/// one and two threads giving the same bits. Skipped, with the reason, where the machine has no AVX-512 (the 256-bit tile's
/// tests are <see cref="ChannelsLastForwardNarrowTests"/>).</summary>
[Collection(nameof(GemmThreadsCollection))]
public class ChannelsLastForwardTests
{
    public static TheoryData<int, int, int, int, int, int, int> Shapes => new()
    {
        // channels, size, kernel, stride, padding, out channels, batch
        { 64, 7, 3, 1, 1, 64, 3 },      // ResNet-8's last stage: 147 pixels, a last tile of three
        { 32, 14, 3, 2, 1, 64, 2 },     // its strided 32→64
        { 16, 28, 3, 2, 1, 64, 1 },     // 16 input channels, stride 2, one image
        { 32, 14, 1, 2, 0, 64, 2 },     // the 1×1 projection beside it
        { 64, 14, 4, 2, 1, 128, 2 },    // the DCGAN's 64→128, 4×4 stride 2
        { 16, 5, 3, 1, 2, 128, 1 },     // padding past the kernel's reach, two blocks of 64 output channels
    };

    [WidthTheory(SimdPath.Vector512), MemberData(nameof(Shapes))]
    public void Its_output_is_the_definition(int channels, int size, int kernel, int stride, int padding, int outChannels, int batch)
    {
        using var scope = SimdWidth.Use(SimdPath.Vector512);
        OutputIsTheDefinition(new ConvolutionGeometry(batch, outChannels, new Im2ColGeometry(channels, size, size, kernel, kernel, stride, stride, padding, padding)));
    }

    /// <summary>The route takes <paramref name="s"/> at the width in force, and its output with and without bias is the
    /// definition's.</summary>
    internal static void OutputIsTheDefinition(ConvolutionGeometry s)
    {
        var g = s.Window;
        Assert.True(ChannelsLastForward.Suits(s));
        var p = ConvolutionProblem.Random(s, new Random(g.Channels + g.Height + s.OutChannels));
        foreach (bool withBias in new[] { true, false })
        {
            var expected = new float[p.Y.Length];
            DirectConv2dReference.Forward(p.X, s.Batch, g, p.W, s.OutChannels, withBias ? p.B : [], expected);
            var y = Enumerable.Repeat(float.NaN, p.Y.Length).ToArray();
            new ChannelsLastForward().Forward(s, p.X, p.W, withBias ? p.B : [], y);
            for (int i = 0; i < y.Length; i++)
                Assert.True(Math.Abs(expected[i] - y[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"y[{i}] (bias {withBias}): expected {expected[i]}, got {y[i]}");
        }
    }

    /// <summary>∂C/∂x of a stride-1 layer as the forward product of δ with the flipped, transposed kernel
    /// (<see cref="ChannelsLastForward.InputGradientAsForward"/>), through <see cref="Convolution.InputGradient"/>.</summary>
    [WidthTheory(SimdPath.Vector512)]
    [InlineData(64, 7, 3, 1, 64, 3)]    // ResNet-8's 64→64
    [InlineData(64, 9, 3, 0, 16, 2)]    // no padding: the flipped product pads by 2
    [InlineData(128, 6, 4, 1, 16, 2)]   // an even kernel, asymmetric reach
    public void Stride_1_input_gradients_are_the_definition(int channels, int size, int kernel, int padding, int outChannels, int batch)
    {
        using var scope = SimdWidth.Use(SimdPath.Vector512);
        var s = new ConvolutionGeometry(batch, outChannels, new Im2ColGeometry(channels, size, size, kernel, kernel, 1, 1, padding, padding));
        InputGradientIsTheDefinition(s, channels + size);
        // Strided layers and 32-channel ones keep the earlier routes.
        Assert.Null(ChannelsLastForward.InputGradientAsForward(s with { Window = s.Window with { StrideH = 2, StrideW = 2 } }));
        Assert.Null(ChannelsLastForward.InputGradientAsForward(s with { Window = s.Window with { Channels = 32 } }));
    }

    /// <summary>A ∂C/∂w right after the forward pass reads the forward's channels-last copy of the input instead of making
    /// its own: the same bits as a ∂C/∂w alone, and after a ∂C/∂x (which reuses the copy's buffer for δ) it copies again.</summary>
    [WidthTheory(SimdPath.Vector512)]
    [InlineData(64, 7, 3, 1, 1, 64)]
    [InlineData(32, 14, 3, 2, 1, 64)]
    public void A_weight_gradient_after_the_forward_pass_reads_its_copy_with_the_same_bits(int channels, int size, int kernel, int stride, int padding, int outChannels)
    {
        using var scope = SimdWidth.Use(SimdPath.Vector512);
        var s = new ConvolutionGeometry(64, outChannels, new Im2ColGeometry(channels, size, size, kernel, kernel, stride, stride, padding, padding));
        Assert.True(ChannelsLastForward.Suits(s) && ImplicitGemm.SuitsChannelsLast(s));
        var p = ConvolutionProblem.Random(s, new Random(channels * size));
        var conv = new Convolution();
        var y = new float[p.Y.Length];
        conv.Forward(s, p.X, p.W, p.B, y);
        var afterForward = (float[])p.Start.Clone();
        conv.WeightGradient(s, p.X, p.Dy, afterForward);
        var dx = new float[p.Dx.Length];
        conv.InputGradient(s, p.Dy, p.W, dx);
        var afterInputGradient = (float[])p.Start.Clone();
        conv.WeightGradient(s, p.X, p.Dy, afterInputGradient);
        var alone = (float[])p.Start.Clone();
        new Convolution().WeightGradient(s, p.X, p.Dy, alone);
        Assert.Equal(alone, afterForward);
        Assert.Equal(alone, afterInputGradient);
        for (int i = 0; i < alone.Length; i++)
            Assert.True(Math.Abs(p.Dw[i] - alone[i]) <= 1e-3f * (1 + Math.Abs(p.Dw[i])), $"∂C/∂w[{i}]: expected {p.Dw[i]}, got {alone[i]}");
    }

    [WidthFact(SimdPath.Vector512)]
    public void Resnets_64_channel_layer_takes_it_with_the_same_bits_on_one_and_two_threads()
    {
        using var scope = SimdWidth.Use(SimdPath.Vector512);
        ResnetsLayerGivesTheSameBitsOnOneAndTwoThreads();
        Assert.False(ChannelsLastForward.Suits(new ConvolutionGeometry(8, 32, new Im2ColGeometry(64, 7, 7, 3, 3, 1, 1, 1, 1))));
        Assert.False(ChannelsLastForward.Suits(new ConvolutionGeometry(8, 64, new Im2ColGeometry(24, 7, 7, 3, 3, 1, 1, 1, 1))));
    }

    /// <summary>∂C/∂x of <paramref name="s"/> through <see cref="Convolution"/>, at the width in force, taken as this route's
    /// forward product of δ, is the definition's.</summary>
    internal static void InputGradientIsTheDefinition(ConvolutionGeometry s, int seed)
    {
        Assert.NotNull(ChannelsLastForward.InputGradientAsForward(s));
        var p = ConvolutionProblem.Random(s, new Random(seed));
        var expected = new float[p.Dx.Length];
        DirectConv2dReference.InputGradient(p.Dy, s.Batch, s.Window, p.W, s.OutChannels, expected);
        var dx = Enumerable.Repeat(float.NaN, p.Dx.Length).ToArray();
        new Convolution().InputGradient(s, p.Dy, p.W, dx);
        for (int i = 0; i < dx.Length; i++)
            Assert.True(Math.Abs(expected[i] - dx[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"∂C/∂x[{i}]: expected {expected[i]}, got {dx[i]}");
    }

    /// <summary>ResNet-8's 64→64 layer on 7×7, at the width in force, through <see cref="Conv2d"/> on one and two threads.</summary>
    internal static void ResnetsLayerGivesTheSameBitsOnOneAndTwoThreads()
    {
        var x = GradientCheck.Random(new Random(5), 8, 64, 7, 7);
        Assert.True(ChannelsLastForward.Suits(new ConvolutionGeometry(8, 64, new Im2ColGeometry(64, 7, 7, 3, 3, 1, 1, 1, 1))));
        var results = new List<float[]>();
        using (new KernelSettingsScope())
            foreach (int threads in new[] { 1, 2 })
            {
                Gemm.Threads = threads;
                KernelLoop.MaxThreads = threads;
                var layer = new Conv2d(64, 64, 3, stride: 1, padding: 1, rng: new Random(6));
                results.Add(layer.Forward(x, training: true).Span.ToArray());
            }
        Assert.Equal(results[0], results[1]);
    }
}
