using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The pooling kernels against their plain twin on MNIST digits (many equal zeros, so ties matter), for the
/// zoo's windows: 2×2 stride 2, 3×3 stride 2 with padding (overlapping windows), 3×3 stride 1.</summary>
public class PoolingTests
{
    public static TheoryData<int, int, int> Windows => new() { { 2, 2, 0 }, { 3, 2, 1 }, { 3, 1, 1 } };

    private static (float[] X, float[] Dy, Im2ColGeometry G) Digits(int kernel, int stride, int padding)
    {
        var train = Training.MnistTrainingTests.Mnist.Value.Train;
        var g = new Im2ColGeometry(24, 28, 28, kernel, kernel, stride, stride, padding, padding);
        var x = train.Pixels.AsSpan(0, g.Channels * 784).ToArray();
        var dy = new float[g.Channels * g.OutPixels];
        for (int i = 0; i < dy.Length; i++) dy[i] = train.Pixels[(i * 31 + 7) % train.Pixels.Length] - 0.5f;
        return (x, dy, g);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Max_pooling_gives_the_twins_maxima_winners_and_gradient_bit_for_bit(int kernel, int stride, int padding)
    {
        var (x, dy, g) = Digits(kernel, stride, padding);
        float[] y = new float[dy.Length], yRef = new float[dy.Length], dx = new float[x.Length], dxRef = new float[x.Length];
        int[] winners = new int[dy.Length], winnersRef = new int[dy.Length];
        Pooling.MaxForward(x, g, y, winners);
        PoolingReference.MaxForward(x, g, yRef, winnersRef);
        Assert.Equal(yRef, y);
        Assert.Equal(winnersRef, winners);
        Pooling.MaxBackward(dy, winners, g, dx);
        PoolingReference.MaxBackward(dy, winnersRef, g, dxRef);
        Assert.Equal(dxRef, dx);
        if (kernel == 2)
        {
            var plain = new float[y.Length];
            Pooling.Max2x2(x, g, plain);
            Assert.Equal(y, plain);
        }
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Average_pooling_agrees_with_the_twin(int kernel, int stride, int padding)
    {
        foreach (bool includePad in new[] { false, true })
        {
            var (x, dy, g) = Digits(kernel, stride, padding);
            float[] y = new float[dy.Length], yRef = new float[dy.Length], dx = new float[x.Length], dxRef = new float[x.Length];
            Pooling.AverageForward(x, g, includePad, y);
            PoolingReference.AverageForward(x, g, includePad, yRef);
            Pooling.AverageBackward(dy, g, includePad, dx);
            PoolingReference.AverageBackward(dy, g, includePad, dxRef);
            for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(y[i] - yRef[i]) <= 1e-6f, $"y[{i}] {y[i]} vs {yRef[i]} (count_include_pad {includePad})");
            for (int i = 0; i < dx.Length; i++) Assert.True(Math.Abs(dx[i] - dxRef[i]) <= 1e-6f, $"dx[{i}] {dx[i]} vs {dxRef[i]} (count_include_pad {includePad})");
        }
    }

    [Fact]
    public void A_short_output_is_refused_naming_the_planes()
    {
        var g = new Im2ColGeometry(2, 4, 4, 2, 2, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => Pooling.AverageForward(new float[32], g, false, new float[3]));
        Assert.Contains("2 planes 4×4", e.Message);
    }
}
