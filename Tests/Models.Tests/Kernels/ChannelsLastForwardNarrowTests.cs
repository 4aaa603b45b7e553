using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary><see cref="ChannelsLastForward"/> at 256 bits (six pixels × 16 output channels, the route of a CPU without
/// AVX-512): its output and stride-1 ∂C/∂x against the definition, the layers it takes and declines, the same bits on one
/// and two threads and as the 512-bit tile, and the 8×8 transposes its copies go through.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class ChannelsLastForwardNarrowTests
{
    public static TheoryData<int, int, int, int, int, int> Shapes => new()
    {
        // channels, size, kernel, padding, out channels, batch (stride 1)
        { 64, 7, 3, 1, 64, 3 },     // ResNet-8's last stage: 147 pixels, a last tile of three
        { 32, 14, 3, 1, 32, 2 },    // its 32→32 on 14×14
        { 8, 6, 3, 1, 48, 2 },      // the fewest channels, three blocks of 16 output channels
        { 16, 5, 3, 2, 16, 1 },     // padding past the kernel's reach (7×7 out), one image
        { 8, 9, 4, 1, 16, 2 },      // an even kernel (8×8 out)
    };

    [WidthTheory(SimdPath.Vector256), MemberData(nameof(Shapes))]
    public void Its_output_is_the_definition(int channels, int size, int kernel, int padding, int outChannels, int batch)
    {
        using var width = SimdWidth.Use(SimdPath.Vector256);
        ChannelsLastForwardTests.OutputIsTheDefinition(Geometry(batch, channels, size, kernel, padding, outChannels));
    }

    [WidthTheory(SimdPath.Vector256), MemberData(nameof(Shapes))]
    public void Stride_1_input_gradients_through_the_convolution_are_the_definition(int channels, int size, int kernel, int padding, int outChannels, int batch)
    {
        using var width = SimdWidth.Use(SimdPath.Vector256);
        // ∂C/∂x is the forward product of δ (outChannels in, channels out): the route takes it where the swapped roles suit.
        ChannelsLastForwardTests.InputGradientIsTheDefinition(Geometry(batch, outChannels, size, kernel, padding, channels), channels * size);
    }

    [WidthFact(SimdPath.Vector256)]
    public void It_declines_strided_layers_wide_rows_and_partial_blocks_of_channels()
    {
        using var width = SimdWidth.Use(SimdPath.Vector256);
        Assert.True(ChannelsLastForward.Suits(Geometry(64, 64, 7, 3, 1, 64)));
        Assert.False(ChannelsLastForward.Suits(Geometry(64, 16, 28, 3, 1, 16)));    // rows of 28: the direct kernel
        Assert.False(ChannelsLastForward.Suits(Geometry(64, 32, 14, 3, 1, 64, stride: 2)));
        Assert.False(ChannelsLastForward.Suits(Geometry(64, 64, 7, 3, 1, 24)));     // not whole blocks of 16 outputs
        Assert.False(ChannelsLastForward.Suits(Geometry(64, 12, 7, 3, 1, 64)));     // not whole blocks of 8 inputs
        Assert.False(ChannelsLastForward.Suits(Geometry(64, 256, 7, 3, 1, 64)));    // a kernel of 147,456 floats
    }

    [WidthFact(SimdPath.Vector256)]
    public void Resnets_64_channel_layer_takes_it_with_the_same_bits_on_one_and_two_threads()
    {
        using var width = SimdWidth.Use(SimdPath.Vector256);
        ChannelsLastForwardTests.ResnetsLayerGivesTheSameBitsOnOneAndTwoThreads();
    }

    /// <summary>Each output is the same chain at both widths (bias, the taps in order, the channels in order).</summary>
    [WidthFact(SimdPath.Vector512)]
    public void Both_widths_give_the_same_bits()
    {
        var s = Geometry(3, 64, 7, 3, 1, 64);
        var p = ConvolutionProblem.Random(s, new Random(11));
        var outputs = new List<float[]>();
        foreach (var path in new[] { SimdPath.Vector256, SimdPath.Vector512 })
        {
            using var width = SimdWidth.Use(path);
            Assert.True(ChannelsLastForward.Suits(s));
            var y = new float[p.Y.Length];
            new ChannelsLastForward().Forward(s, p.X, p.W, p.B, y);
            outputs.Add(y);
        }
        Assert.Equal(outputs[0], outputs[1]);
    }

    /// <summary>The transposes of the channels-last copies at every width against the plain loop, on whole blocks and on
    /// edges of every size below a block.</summary>
    [Theory]
    [InlineData(8, 8)]
    [InlineData(16, 49)]
    [InlineData(13, 20)]
    [InlineData(64, 147)]
    [InlineData(1, 5)]
    public unsafe void Transposes_at_every_width_are_the_plain_loop(int rows, int cols)
    {
        var src = RandomFloats(rows * cols, rows + cols);
        var expected = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) expected[c * rows + r] = src[r * cols + c];
        foreach (var path in SimdWidth.AvailablePaths)
        {
            using var width = SimdWidth.Use(path);
            var dst = Enumerable.Repeat(float.NaN, rows * cols).ToArray();
            fixed (float* ps = src, pd = dst) GemmTranspose.MatrixAtWidth(ps, rows, cols, pd);
            Assert.Equal(expected, dst);
        }
    }

    [WidthFact(SimdPath.Vector256)]
    public unsafe void The_padded_copy_at_256_bits_is_the_plain_one()
    {
        using var width = SimdWidth.Use(SimdPath.Vector256);
        var g = new Im2ColGeometry(24, 7, 9, 3, 3, 1, 1, 1, 2);
        int batch = 2, hp = g.Height + 2 * g.PadH, wp = g.Width + 2 * g.PadW, length = batch * hp * wp * g.Channels;
        var x = RandomFloats(batch * g.ImageLength, 3);
        var expected = new float[length];
        var actual = Enumerable.Repeat(float.NaN, length).ToArray();
        fixed (float* px = x, pe = expected, pa = actual)
        {
            ChannelsLastImages.PadReference(px, batch, g, hp, wp, pe);
            ChannelsLastImages.Pad(px, batch, g, hp, wp, pa);
        }
        Assert.Equal(expected, actual);
    }

    private static ConvolutionGeometry Geometry(int batch, int channels, int size, int kernel, int padding, int outChannels, int stride = 1) =>
        new(batch, outChannels, new Im2ColGeometry(channels, size, size, kernel, kernel, stride, stride, padding, padding));

    private static float[] RandomFloats(int length, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }
}
