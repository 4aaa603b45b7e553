using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The batch-norm sweep with the activation after it (<see cref="BatchNormChannels"/> given a
/// <see cref="PlaneActivation"/>) against the two kernels run one after the other over whole tensors: the same bits,
/// forward and backward, training and inference, ReLU and leaky ReLU, on one thread and on all; and against the plain
/// twins within rounding.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class BatchNormActivationTests
{
    private const int Batch = 16, Channels = 6;

    /// <summary>Differences of two MNIST pixels as [N × C × 7·7], scaled and shifted: symmetric about the shift, so
    /// about half of γ·x̂ + β is negative.</summary>
    private static float[] Digits(int plane, int offset, float scale, float shift)
    {
        var pixels = Training.MnistTrainingTests.Mnist.Value.Train.Pixels;
        var x = new float[Batch * Channels * plane];
        for (int i = 0; i < x.Length; i++)
            x[i] = (pixels[(i * 7 + offset) % pixels.Length] - pixels[(i * 13 + offset + 20_000) % pixels.Length]) * scale + shift;
        return x;
    }

    private static float[] PerChannel(float first, float step) => Enumerable.Range(0, Channels).Select(c => first + step * c).ToArray();

    private sealed record Results(float[] Mean, float[] Variance, float[] Unbiased, float[] InverseStd, float[] Y,
        float[] A, float[] DyOfY, float[] SumDy, float[] SumDyXh, float[] Dx);

    private static PlaneActivation Activation(float slope) => slope == 0 ? PlaneActivation.Rectifier : PlaneActivation.Leaky(slope);

    /// <summary>fused: one sweep each way; otherwise the batch-norm kernels and the activation's kernels in turn
    /// (<paramref name="reference"/>: their plain twins).</summary>
    private static Results Run(bool fused, bool reference, bool training, float slope, int plane = 49, bool keepY = true)
    {
        var x = Digits(plane, 0, 3f, 40f); var da = Digits(plane, 3000, 1f, -0.3f);
        var gamma = PerChannel(0.5f, 0.25f); var beta = PerChannel(-0.4f, 0.15f);
        int n = x.Length;
        var r = new Results(new float[Channels], new float[Channels], new float[Channels], new float[Channels],
            new float[n], new float[n], new float[n], new float[Channels], new float[Channels], new float[n]);
        if (!training) { PerChannel(39.8f, 0.1f).CopyTo(r.Mean, 0); PerChannel(1f, 0.5f).CopyTo(r.Variance, 0); }
        var act = Activation(slope);
        if (fused)
        {
            var y = keepY ? r.Y : [];
            if (training) BatchNormChannels.NormalizeTraining(x, Batch, Channels, plane, gamma, beta, 1e-5f, r.Mean, r.Variance, r.Unbiased, r.InverseStd, y, act, r.A);
            else BatchNormChannels.NormalizeInference(x, Batch, Channels, plane, gamma, beta, 1e-5f, r.Mean, r.Variance, r.InverseStd, y, act, r.A);
            BatchNormChannels.Backward(act, y, r.A, da, r.DyOfY, x, r.Mean, Batch, Channels, plane, gamma, r.InverseStd, training, r.SumDy, r.SumDyXh, r.Dx);
        }
        else if (!reference)
        {
            if (training) BatchNormChannels.NormalizeTraining(x, Batch, Channels, plane, gamma, beta, 1e-5f, r.Mean, r.Variance, r.Unbiased, r.InverseStd, r.Y);
            else BatchNormChannels.NormalizeInference(x, Batch, Channels, plane, gamma, beta, 1e-5f, r.Mean, r.Variance, r.InverseStd, r.Y);
            act.Forward(r.Y, r.A);
            act.Backward(r.Y, r.A, da, r.DyOfY);
            BatchNormChannels.Backward(r.DyOfY, x, r.Mean, Batch, Channels, plane, gamma, r.InverseStd, training, r.SumDy, r.SumDyXh, r.Dx);
        }
        else
        {
            if (training) BatchNormChannelsReference.NormalizeTraining(x, Batch, Channels, plane, gamma, beta, 1e-5f, r.Mean, r.Variance, r.Unbiased, r.InverseStd, r.Y);
            else BatchNormChannelsReference.NormalizeInference(x, Batch, Channels, plane, gamma, beta, 1e-5f, r.Mean, r.Variance, r.InverseStd, r.Y);
            act.ForwardReference(r.Y, r.A);
            act.BackwardReference(r.Y, r.A, da, r.DyOfY);
            BatchNormChannelsReference.Backward(r.DyOfY, x, r.Mean, Batch, Channels, plane, gamma, r.InverseStd, training, r.SumDy, r.SumDyXh, r.Dx);
        }
        return r;
    }

    private static IEnumerable<(string Name, float[] Values)> Fields(Results r) =>
        [("μ", r.Mean), ("σ²", r.Variance), ("unbiased σ²", r.Unbiased), ("1/σ", r.InverseStd), ("y", r.Y),
         ("a", r.A), ("∂C/∂y", r.DyOfY), ("Σδ", r.SumDy), ("Σδ·x̂", r.SumDyXh), ("∂C/∂x", r.Dx)];

    [Theory]
    [InlineData(true, 0f, 1)]
    [InlineData(true, 0.2f, 1)]
    [InlineData(false, 0f, 1)]
    [InlineData(false, 0.2f, 1)]
    [InlineData(true, 0f, 2)]
    [InlineData(true, 0.2f, 2)]
    [InlineData(true, 0f, 1, 9)]
    [InlineData(true, 0.2f, 2, 9)]
    [InlineData(true, 0.2f, 1, 4)]
    [InlineData(true, 0f, 2, 1000)]
    [InlineData(false, 0.2f, 2, 17)]
    public void One_sweep_gives_the_bits_of_the_batch_norm_then_the_activation(bool training, float slope, int threads, int plane = 49)
    {
        using var settings = new KernelSettingsScope(loopThreads: threads);
        var fused = Run(fused: true, reference: false, training, slope, plane);
        var apart = Run(fused: false, reference: false, training, slope, plane);
        // The activation really acts on both sides of zero, so a missing or misplaced mask would show.
        Assert.InRange(apart.Y.Count(v => v < 0), apart.Y.Length / 5, apart.Y.Length * 4 / 5);
        foreach (var ((name, f), (_, a)) in Fields(fused).Zip(Fields(apart)))
            Assert.True(f.AsSpan().SequenceEqual(a), $"{name} differs between the fused sweep and the two kernels ({(training ? "training" : "inference")}, slope {slope}, {threads} threads)");
    }

    /// <summary>Before a ReLU, whose derivative reads a alone, the sweep may leave y out (the batch norm layer then does not
    /// store it): every other output keeps its bits, on both routes (in memory order and channel by channel); an
    /// activation that reads y, or none, cannot leave it out.</summary>
    [Theory]
    [InlineData(true, 1, true)]
    [InlineData(true, 2, true)]
    [InlineData(false, 2, true)]
    [InlineData(true, 2, false)]
    [InlineData(false, 1, false)]
    public void Before_a_relu_the_sweep_without_y_keeps_the_other_bits(bool training, int threads, bool inMemoryOrder)
    {
        using var settings = new KernelSettingsScope(loopThreads: threads);
        bool before = BatchNormChannels.InMemoryOrderPasses;
        BatchNormChannels.InMemoryOrderPasses = inMemoryOrder;
        try
        {
            var kept = Run(fused: true, reference: false, training, slope: 0f);
            var left = Run(fused: true, reference: false, training, slope: 0f, keepY: false);
            Assert.All(left.Y, v => Assert.Equal(0f, v));
            foreach (var ((name, k), (_, l)) in Fields(kept).Zip(Fields(left)).Where(f => f.First.Name != "y"))
                Assert.True(k.AsSpan().SequenceEqual(l), $"{name} differs without y ({(training ? "training" : "inference")}, {threads} threads)");
        }
        finally { BatchNormChannels.InMemoryOrderPasses = before; }
        var leaky = Assert.Throws<ArgumentException>(() => Run(fused: true, reference: false, training, slope: 0.2f, keepY: false));
        Assert.Contains("only before a ReLU", leaky.Message);
        var x = new float[Batch * Channels * 4];
        var none = Assert.Throws<ArgumentException>(() => BatchNormChannels.NormalizeTraining(x, Batch, Channels, 4, new float[Channels], new float[Channels],
            1e-5f, new float[Channels], new float[Channels], new float[Channels], new float[Channels], []));
        Assert.Contains("BatchNormChannels", none.Message);
    }

    [Theory]
    [InlineData(true, 0f)]
    [InlineData(true, 0.2f)]
    [InlineData(false, 0.2f)]
    [InlineData(true, 0.2f, 9)]
    [InlineData(true, 0f, 4)]
    public void One_sweep_agrees_with_the_plain_twins(bool training, float slope, int plane = 49)
    {
        var fused = Run(fused: true, reference: false, training, slope, plane);
        var twin = Run(fused: false, reference: true, training, slope, plane);
        foreach (var ((name, f), (_, t)) in Fields(fused).Zip(Fields(twin)))
            for (int i = 0; i < f.Length; i++)
                Assert.True(Math.Abs(f[i] - t[i]) <= 2e-4f * (1 + Math.Abs(t[i])), $"{name}[{i}]: twin {t[i]}, fused {f[i]}");
    }
}
