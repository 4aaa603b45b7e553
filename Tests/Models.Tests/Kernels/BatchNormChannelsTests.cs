using System.Numerics.Tensors;
using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>Batch normalisation's channel kernels against their plain twin on MNIST digits laid out as [N × C × 28·28]
/// (training and inference forward, backward with batch and fixed statistics), and the same bits on one thread as on all.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class BatchNormChannelsTests
{
    private const int Batch = 16, Channels = 6, Plane = 784;

    private static float[] Digits(int offset, float scale, float shift)
    {
        var pixels = Training.MnistTrainingTests.Mnist.Value.Train.Pixels;
        var x = new float[Batch * Channels * Plane];
        for (int i = 0; i < x.Length; i++) x[i] = pixels[(i + offset) % pixels.Length] * scale + shift;
        return x;
    }

    private static float[] PerChannel(float first, float step) => Enumerable.Range(0, Channels).Select(c => first + step * c).ToArray();

    private sealed record Results(float[] Mean, float[] Variance, float[] Unbiased, float[] InverseStd, float[] Y,
        float[] SumDy, float[] SumDyXh, float[] Dx);

    private static Results Run(bool reference, bool training, bool batchStatistics)
    {
        // Pixels shifted far from zero (|μ| ≫ σ), where a one-pass variance would cancel.
        var x = Digits(0, 3f, 40f); var dy = Digits(5000, 1f, -0.3f);
        var gamma = PerChannel(0.5f, 0.25f); var beta = PerChannel(-1f, 0.5f);
        var r = new Results(new float[Channels], new float[Channels], new float[Channels], new float[Channels],
            new float[x.Length], new float[Channels], new float[Channels], new float[x.Length]);
        if (!training) { PerChannel(40f, 0.1f).CopyTo(r.Mean, 0); PerChannel(9f, 0.5f).CopyTo(r.Variance, 0); }
        if (reference)
        {
            if (training) BatchNormChannelsReference.NormalizeTraining(x, Batch, Channels, Plane, gamma, beta, 1e-5f, r.Mean, r.Variance, r.Unbiased, r.InverseStd, r.Y);
            else BatchNormChannelsReference.NormalizeInference(x, Batch, Channels, Plane, gamma, beta, 1e-5f, r.Mean, r.Variance, r.InverseStd, r.Y);
            BatchNormChannelsReference.Backward(dy, x, r.Mean, Batch, Channels, Plane, gamma, r.InverseStd, batchStatistics, r.SumDy, r.SumDyXh, r.Dx);
        }
        else
        {
            if (training) BatchNormChannels.NormalizeTraining(x, Batch, Channels, Plane, gamma, beta, 1e-5f, r.Mean, r.Variance, r.Unbiased, r.InverseStd, r.Y);
            else BatchNormChannels.NormalizeInference(x, Batch, Channels, Plane, gamma, beta, 1e-5f, r.Mean, r.Variance, r.InverseStd, r.Y);
            BatchNormChannels.Backward(dy, x, r.Mean, Batch, Channels, Plane, gamma, r.InverseStd, batchStatistics, r.SumDy, r.SumDyXh, r.Dx);
        }
        return r;
    }

    private static void Close(float[] expected, float[] actual, float tolerance, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: twin {expected[i]}, kernel {actual[i]}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_kernels_agree_with_the_plain_twin(bool training)
    {
        var kernel = Run(reference: false, training, batchStatistics: training);
        var twin = Run(reference: true, training, batchStatistics: training);
        Close(twin.Mean, kernel.Mean, 1e-6f, "μ");
        Close(twin.Variance, kernel.Variance, 1e-5f, "σ²");
        Close(twin.Unbiased, kernel.Unbiased, 1e-5f, "unbiased σ²");
        Close(twin.Y, kernel.Y, 1e-4f, "y");
        Close(twin.SumDy, kernel.SumDy, 1e-4f, "Σδ");
        Close(twin.SumDyXh, kernel.SumDyXh, 1e-3f, "Σδx̂");
        Close(twin.Dx, kernel.Dx, 1e-3f, "∂C/∂x");
        // Batch statistics normalise each channel to mean 0, variance 1: y = γ·x̂ + β has the mean β.
        if (training)
            for (int ch = 0; ch < Channels; ch++)
                Assert.InRange(Enumerable.Range(0, Batch).SelectMany(i => kernel.Y.AsSpan((i * Channels + ch) * Plane, Plane).ToArray()).Average(),
                    -1.0 + 0.5 * ch - 1e-3, -1.0 + 0.5 * ch + 1e-3);
    }

    [Theory]
    [InlineData(64, 32, 4)]
    [InlineData(16, 8, 16)]
    [InlineData(4, 3, 49)]
    [InlineData(2, 5, 1)]
    public void The_channel_by_channel_route_keeps_the_bits_of_the_stored_normalized_steps_it_replaced(int batch, int channels, int plane)
    {
        // The route kept for A/B timing and for overlapping tensors; the passes in memory order sum in another order.
        bool before = BatchNormChannels.InMemoryOrderPasses;
        BatchNormChannels.InMemoryOrderPasses = false;
        try { ChannelByChannelBits(batch, channels, plane); }
        finally { BatchNormChannels.InMemoryOrderPasses = before; }
    }

    /// <summary>y written over x and ∂C/∂x over δ (tensors that overlap) take the channel-by-channel route, whose results
    /// the passes in memory order match within rounding.</summary>
    [Theory]
    [InlineData(4, 3, 49)]
    [InlineData(64, 24, 49)]
    [InlineData(8, 4, 9)]
    public void Overlapping_tensors_are_normalized_in_place_within_rounding_of_separate_ones(int batch, int channels, int plane)
    {
        int length = batch * channels * plane;
        var rng = new Random(length);
        float[] Fill(int n, double scale, double offset) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * scale + offset)).ToArray();
        float[] x = Fill(length, 6, 37), dy = Fill(length, 2, -1), gamma = Fill(channels, 1, 0.5), beta = Fill(channels, 1, -0.5);
        float[] Stats() => new float[channels];
        float[] mean = Stats(), variance = Stats(), unbiased = Stats(), inv = Stats(), sumDy = Stats(), sumDyXh = Stats();
        float[] y = new float[length], dx = new float[length];
        BatchNormChannels.NormalizeTraining(x, batch, channels, plane, gamma, beta, 1e-5f, mean, variance, unbiased, inv, y);
        BatchNormChannels.Backward(dy, x, mean, batch, channels, plane, gamma, inv, true, sumDy, sumDyXh, dx);

        float[] inPlace = (float[])x.Clone(), mean2 = Stats(), variance2 = Stats(), unbiased2 = Stats(), inv2 = Stats(), sumDy2 = Stats(), sumDyXh2 = Stats();
        BatchNormChannels.NormalizeTraining(inPlace, batch, channels, plane, gamma, beta, 1e-5f, mean2, variance2, unbiased2, inv2, inPlace);
        float[] gradient = (float[])dy.Clone();
        BatchNormChannels.Backward(gradient, x, mean2, batch, channels, plane, gamma, inv2, true, sumDy2, sumDyXh2, gradient);
        for (int i = 0; i < length; i++)
        {
            Assert.True(Math.Abs(y[i] - inPlace[i]) <= 1e-4f * (1 + Math.Abs(y[i])), $"y[{i}]: {y[i]} apart, {inPlace[i]} in place");
            Assert.True(Math.Abs(dx[i] - gradient[i]) <= 1e-3f * (1 + Math.Abs(dx[i])), $"∂C/∂x[{i}]: {dx[i]} apart, {gradient[i]} in place");
        }
    }

    private static void ChannelByChannelBits(int batch, int channels, int plane)
    {
        int length = batch * channels * plane;
        var rng = new Random(length + plane);
        float[] Fill(int n, double scale, double offset) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * scale + offset)).ToArray();
        float[] x = Fill(length, 6, 37), dy = Fill(length, 2, -1), gamma = Fill(channels, 1, 0.5), beta = Fill(channels, 1, -0.5);
        float[] mean = new float[channels], variance = new float[channels], unbiased = new float[channels], inv = new float[channels];
        float[] y = new float[length], sumDy = new float[channels], sumDyXh = new float[channels], dx = new float[length];
        BatchNormChannels.NormalizeTraining(x, batch, channels, plane, gamma, beta, 1e-5f, mean, variance, unbiased, inv, y);
        BatchNormChannels.Backward(dy, x, mean, batch, channels, plane, gamma, inv, true, sumDy, sumDyXh, dx);

        // The layer's steps while x̂ was a stored tensor: per plane, the library sums, subtraction, dot and multiply.
        long count = (long)batch * plane;
        Span<float> Plane(float[] t, int i, int ch) => t.AsSpan((i * channels + ch) * plane, plane);
        for (int ch = 0; ch < channels; ch++)
        {
            double sum = 0, sq = 0;
            for (int i = 0; i < batch; i++) sum += TensorPrimitives.Sum<float>(Plane(x, i, ch));
            float mu = (float)(sum / count);
            var xh = new float[length];
            for (int i = 0; i < batch; i++)
            {
                TensorPrimitives.Subtract(Plane(x, i, ch), mu, Plane(xh, i, ch));
                sq += TensorPrimitives.Dot<float>(Plane(xh, i, ch), Plane(xh, i, ch));
            }
            float sigma2 = (float)(sq / count), invStd = 1f / MathF.Sqrt(sigma2 + 1e-5f);
            Assert.Equal(mu, mean[ch]);
            Assert.Equal(sigma2, variance[ch]);
            Assert.Equal(invStd, inv[ch]);
            double s = 0, sx = 0;
            for (int i = 0; i < batch; i++)
            {
                TensorPrimitives.Multiply(Plane(xh, i, ch), invStd, Plane(xh, i, ch));
                for (int k = 0; k < plane; k++)
                    Assert.Equal(MathF.FusedMultiplyAdd(Plane(xh, i, ch)[k], gamma[ch], beta[ch]), Plane(y, i, ch)[k]);
                s += TensorPrimitives.Sum<float>(Plane(dy, i, ch));
                sx += TensorPrimitives.Dot<float>(Plane(dy, i, ch), Plane(xh, i, ch));
            }
            Assert.Equal((float)s, sumDy[ch]);
            Assert.Equal((float)sx, sumDyXh[ch]);
            float scale = gamma[ch] * invStd, a = -scale * (float)(sx / count), b = -scale * (float)(s / count);
            for (int i = 0; i < batch; i++)
                for (int k = 0; k < plane; k++)
                    Assert.Equal(Plane(dy, i, ch)[k] * scale + MathF.FusedMultiplyAdd(Plane(xh, i, ch)[k], a, b), Plane(dx, i, ch)[k]);
        }
    }

    [Fact]
    public void One_thread_and_every_thread_give_the_same_bits()
    {
        using var settings = new KernelSettingsScope(threads: 2, adaptToLoad: false, loopThreads: 1);
        var alone = Run(reference: false, training: true, batchStatistics: true);
        KernelLoop.MaxThreads = 2;
        var shared = Run(reference: false, training: true, batchStatistics: true);
        Assert.Equal(alone, shared, new ResultsBits());
    }

    private sealed class ResultsBits : IEqualityComparer<Results>
    {
        public bool Equals(Results? a, Results? b) =>
            a!.Mean.SequenceEqual(b!.Mean) && a.Variance.SequenceEqual(b.Variance) && a.Y.SequenceEqual(b.Y) && a.SumDy.SequenceEqual(b.SumDy) && a.SumDyXh.SequenceEqual(b.SumDyXh) && a.Dx.SequenceEqual(b.Dx);

        public int GetHashCode(Results r) => 0;
    }
}
