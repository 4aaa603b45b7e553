using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The vector leaky-ReLU loops give the plain twins' bits, on lengths with and without a scalar tail.</summary>
public class LeakyRectifierTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1003)]
    public void Vector_loops_match_the_plain_twins_bit_for_bit(int length)
    {
        var rng = new Random(length);
        var z = new float[length]; var dy = new float[length];
        for (int i = 0; i < length; i++)
        {
            z[i] = i % 11 == 0 ? 0f : (float)(rng.NextDouble() * 4 - 2);
            dy[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        float[] a = new float[length], aRef = new float[length], dx = new float[length], dxRef = new float[length];
        LeakyRectifier.Forward(z, 0.2f, a);
        LeakyRectifier.ForwardReference(z, 0.2f, aRef);
        LeakyRectifier.Backward(z, dy, 0.2f, dx);
        LeakyRectifier.BackwardReference(z, dy, 0.2f, dxRef);
        Assert.Equal(aRef, a);
        Assert.Equal(dxRef, dx);
    }
}
