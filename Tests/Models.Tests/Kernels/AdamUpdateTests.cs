using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The vector Adam update gives the plain loop's bits, alone and through <see cref="Adam"/> over a tensor long
/// enough to be shared between threads.</summary>
public class AdamUpdateTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1003)]
    public void Vector_update_matches_the_plain_twin_bit_for_bit(int length)
    {
        var rng = new Random(length);
        float[] Random(double scale) => Enumerable.Range(0, length).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
        float[] w = Random(1), g = Random(1e-2), m = Random(1e-3), v = Random(1e-5).Select(Math.Abs).ToArray();
        float[] wRef = (float[])w.Clone(), mRef = (float[])m.Clone(), vRef = (float[])v.Clone();
        var k = new AdamCoefficients(0.5f, 0.999f, 1e-8f, 2e-4f, 1f / (1f - 0.125f), 1f / (1f - 0.997003f));
        for (int step = 0; step < 3; step++)
        {
            AdamUpdate.Update(w, g, m, v, k);
            AdamUpdate.UpdateReference(wRef, g, mRef, vRef, k);
        }
        Assert.Equal(wRef, w);
        Assert.Equal(mRef, m);
        Assert.Equal(vRef, v);
    }

    [Fact]
    public void Adam_on_a_shared_tensor_steps_as_the_plain_loop()
    {
        // 3 chunks of Elementwise.Chunk plus a tail: the threads' split must not change a bit.
        int length = 3 * Elementwise.Chunk + 5;
        var rng = new Random(11);
        var p = new Parameter("weight", new Tensor(length), decays: true);
        for (int i = 0; i < length; i++) p.Value[i] = (float)(rng.NextDouble() - 0.5);
        float[] w = p.Value.Span.ToArray(), m = new float[length], v = new float[length];
        var adam = new Adam([p], new OptimizerSettings(OptimizerKind.Adam, Beta1: 0.5f, Beta2: 0.999f));
        for (int step = 1; step <= 3; step++)
        {
            for (int i = 0; i < length; i++) p.Gradient[i] = (float)(rng.NextDouble() - 0.5) * step;
            adam.Step(2e-4f);
            var k = new AdamCoefficients(0.5f, 0.999f, adam.Settings.Epsilon, 2e-4f,
                1f / (1f - (float)Math.Pow(0.5f, step)), 1f / (1f - (float)Math.Pow(0.999f, step)));
            AdamUpdate.UpdateReference(w, p.Gradient.Span, m, v, k);
        }
        Assert.Equal(w, p.Value.Span.ToArray());
        Assert.Equal(m, adam.State[0].Span.ToArray());
        Assert.Equal(v, adam.State[1].Span.ToArray());
    }
}
