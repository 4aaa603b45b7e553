using System.Numerics.Tensors;
using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>Batch-norm's plane sweeps from x give the plain twins' bits, compute x̂ with the same bits in all three
/// (so backward's recomputed x̂ is the forward pass's), and give the bits of the library calls and stored x̂ they
/// replaced in BatchNorm2d (so the layer's results did not move), on planes of 1 to 1,024 floats.</summary>
public unsafe class BatchNormPlanesTests
{
    private const float Mean = 40.3f, Inv = 0.731f, Gamma = 1.2f, Beta = -0.45f, A = -0.021f, B = 0.0047f, Scale = 1.9f;

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(49)]
    [InlineData(1024)]
    public void Sweeps_from_x_match_their_twins_and_the_stored_normalized_steps_bit_for_bit(int length)
    {
        var rng = new Random(100 + length);
        var x = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 6 + 38)).ToArray();
        var dy = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();

        float[] y = new float[length], xh = new float[length], dx = new float[length];
        fixed (float* px = x) fixed (float* pd = dy) fixed (float* py = y) fixed (float* pn = xh) fixed (float* pdx = dx)
        {
            BatchNormPlanes.NormalizeFrom(px, Mean, Inv, Gamma, Beta, py, length);
            BatchNormPlanes.Normalized(px, Mean, Inv, pn, length);
            BatchNormPlanes.InputGradientFrom(px, Mean, Inv, pd, A, B, Scale, pdx, length);
        }
        float[] yRef = new float[length], xhRef = new float[length], dxRef = new float[length];
        BatchNormPlanes.NormalizeFromReference(x, Mean, Inv, Gamma, Beta, yRef);
        BatchNormPlanes.NormalizedReference(x, Mean, Inv, xhRef);
        BatchNormPlanes.InputGradientFromReference(x, Mean, Inv, dy, A, B, Scale, dxRef);
        Assert.Equal(yRef, y);
        Assert.Equal(xhRef, xh);
        Assert.Equal(dxRef, dx);

        // What the layer did while it stored x̂: the library subtraction and multiply, y = FMA(x̂, γ, β), and
        // ∂C/∂x = δ·scale + FMA(x̂, a, b) from the stored x̂.
        float[] xhOld = new float[length], yOld = new float[length], dxOld = new float[length];
        TensorPrimitives.Subtract(x, Mean, xhOld);
        TensorPrimitives.Multiply(xhOld, Inv, xhOld);
        for (int i = 0; i < length; i++) yOld[i] = MathF.FusedMultiplyAdd(xhOld[i], Gamma, Beta);
        for (int i = 0; i < length; i++) dxOld[i] = MathF.FusedMultiplyAdd(xhOld[i], A, B);
        TensorPrimitives.MultiplyAdd(dy, Scale, dxOld, dxOld);
        Assert.Equal(xhOld, xh);
        Assert.Equal(yOld, y);
        Assert.Equal(dxOld, dx);
    }
}
