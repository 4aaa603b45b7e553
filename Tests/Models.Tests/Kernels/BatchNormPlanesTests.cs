using System.Numerics.Tensors;
using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>Batch-norm's one-pass plane sweeps give the plain twins' bits, and the bits of the two library calls each
/// replaced in BatchNorm2d (so the layer's results did not move), on planes of 1×1 to 32×32 and a ragged length.</summary>
public class BatchNormPlanesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    [InlineData(49)]
    [InlineData(1024)]
    public void Sweeps_match_the_plain_twins_and_the_library_calls_bit_for_bit(int length)
    {
        var rng = new Random(length);
        float[] Random() => Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        float[] centred = Random(), dy = Random();
        const float inv = 1.37f, gamma = 0.8f, beta = -0.3f, a = -0.021f, b = 0.0047f, scale = 1.9f;

        float[] xh = (float[])centred.Clone(), y = new float[length];
        float[] xhRef = (float[])centred.Clone(), yRef = new float[length];
        BatchNormPlanes.Normalize(xh, inv, gamma, beta, y);
        BatchNormPlanes.NormalizeReference(xhRef, inv, gamma, beta, yRef);
        Assert.Equal(xhRef, xh);
        Assert.Equal(yRef, y);
        float[] xhLib = new float[length], yLib = new float[length];
        TensorPrimitives.Multiply(centred, inv, xhLib);
        for (int i = 0; i < length; i++) yLib[i] = MathF.FusedMultiplyAdd(xhLib[i], gamma, beta);
        Assert.Equal(xhLib, xh);
        Assert.Equal(yLib, y);

        float[] dx = new float[length], dxRef = new float[length], dxLib = new float[length];
        BatchNormPlanes.InputGradient(xh, dy, a, b, scale, dx);
        BatchNormPlanes.InputGradientReference(xh, dy, a, b, scale, dxRef);
        Assert.Equal(dxRef, dx);
        for (int i = 0; i < length; i++) dxLib[i] = MathF.FusedMultiplyAdd(xh[i], a, b);
        TensorPrimitives.MultiplyAdd(dy, scale, dxLib, dxLib);
        Assert.Equal(dxLib, dx);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(49)]
    [InlineData(1024)]
    public unsafe void Inference_sweep_from_x_matches_its_twin_and_the_subtraction_then_normalize_bit_for_bit(int length)
    {
        var rng = new Random(100 + length);
        var x = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 6 + 38)).ToArray();
        const float mean = 40.3f, inv = 0.731f, gamma = 1.2f, beta = -0.45f;

        float[] xh = new float[length], y = new float[length];
        fixed (float* px = x) fixed (float* pn = xh) fixed (float* py = y)
            BatchNormPlanes.NormalizeFrom(px, mean, inv, gamma, beta, pn, py, length);
        float[] xhRef = new float[length], yRef = new float[length];
        BatchNormPlanes.NormalizeFromReference(x, mean, inv, gamma, beta, xhRef, yRef);
        Assert.Equal(xhRef, xh);
        Assert.Equal(yRef, y);
        // The two steps it replaced in BatchNormChannels' inference: the library subtraction, then Normalize in place.
        float[] xhOld = new float[length], yOld = new float[length];
        TensorPrimitives.Subtract(x, mean, xhOld);
        BatchNormPlanes.Normalize(xhOld, inv, gamma, beta, yOld);
        Assert.Equal(xhOld, xh);
        Assert.Equal(yOld, y);
    }
}
