using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The 2×2 stride-2 max pool (<see cref="MaxPool2x2"/>, through <see cref="Pooling"/>) gives its plain twin's
/// maxima and winners bit for bit at every SIMD width on one and two threads, and so the twin's gradient. Inputs are MNIST
/// digits (long runs of equal background pixels, so ties decide most winners) with a few NaNs, and δ holds −0 (which the
/// twin's sum turns into +0). Planes: LeNet's two pools (rows of 14 outputs, which end in an overlapping vector step, and
/// of 5, which run as two overlapping four-lane steps), rows of exactly two vectors, rows of 3 (the plain loop), and an
/// odd plane whose last row and column no window covers. In the GEMM's collection: it switches the process-wide width and
/// thread count.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class MaxPool2x2Tests
{
    private static readonly (int Planes, int H, int W)[] Planes = [(12, 28, 28), (32, 10, 10), (4, 32, 32), (5, 6, 6), (3, 9, 11)];

    [WidthFact(SimdPath.Scalar)] public void Scalar_matches_the_twin_on_one_and_two_threads() => Matches(SimdPath.Scalar);
    [WidthFact(SimdPath.Vector256)] public void Vector256_matches_the_twin_on_one_and_two_threads() => Matches(SimdPath.Vector256);
    [WidthFact(SimdPath.Vector512)] public void Vector512_matches_the_twin_on_one_and_two_threads() => Matches(SimdPath.Vector512);

    private static void Matches(SimdPath width)
    {
        using var _ = SimdWidth.Use(width);
        var pixels = Training.MnistTrainingTests.Mnist.Value.Train.Pixels;
        foreach (var (planes, h, w) in Planes)
        {
            var g = new Im2ColGeometry(planes, h, w, 2, 2, 2, 2);
            Assert.True(MaxPool2x2.Suits(g));
            var x = new float[planes * h * w];
            for (int i = 0; i < x.Length; i++) x[i] = i % 97 == 5 ? float.NaN : pixels[(i * 3 + 11) % pixels.Length] - 0.25f;
            var dy = new float[planes * g.OutPixels];
            for (int i = 0; i < dy.Length; i++) dy[i] = i % 5 == 0 ? -0f : pixels[(i * 31 + 7) % pixels.Length] - 0.5f;
            float[] yRef = new float[dy.Length], dxRef = new float[x.Length];
            var winnersRef = new int[dy.Length];
            PoolingReference.MaxForward(x, g, yRef, winnersRef);
            PoolingReference.MaxBackward(dy, winnersRef, g, dxRef);
            Assert.Contains(dxRef, v => v != 0f);
            foreach (int threads in new[] { 1, 2 })
            {
                // Adapting to load off: two threads really share the planes.
                using (new KernelSettingsScope(threads: threads, adaptToLoad: false))
                {
                    // NaN-filled outputs: every element must be written.
                    var y = Enumerable.Repeat(float.NaN, dy.Length).ToArray();
                    var dx = Enumerable.Repeat(float.NaN, x.Length).ToArray();
                    var winners = Enumerable.Repeat(-1, dy.Length).ToArray();
                    Pooling.MaxForward(x, g, y, winners);
                    Assert.Equal(winnersRef, winners);
                    Assert.True(Bits(yRef).SequenceEqual(Bits(y)), $"{g} at {width} on {threads} threads: maxima differ");
                    Pooling.MaxBackward(dy, winners, g, dx);
                    Assert.True(Bits(dxRef).SequenceEqual(Bits(dx)), $"{g} at {width} on {threads} threads: ∂C/∂x differs");
                }
            }
        }
    }

    // Bit patterns, so that −0 against +0 and NaN against NaN compare as the bits they are.
    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
