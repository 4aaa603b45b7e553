using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The vector Adam update gives the plain loop's bits over several steps, with and without a scalar tail.</summary>
public class AdamUpdateTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(64)]
    [InlineData(6273)]
    public void The_vector_update_matches_the_plain_loop_bit_for_bit(int length)
    {
        var rng = new Random(length + 1);
        float[] Fill(double scale) => Enumerable.Range(0, length).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
        var w = Fill(0.1); var wRef = (float[])w.Clone();
        float[] m = new float[length], v = new float[length], mRef = new float[length], vRef = new float[length];
        const float b1 = 0.5f, b2 = 0.999f, eps = 1e-8f, lr = 2e-4f;
        for (int t = 1; t <= 3; t++)
        {
            // Gradients spanning many magnitudes, some exactly zero (v stays 0 there: the division meets ε alone).
            var g = Fill(Math.Pow(10, -t));
            for (int i = 0; i < length; i += 7) g[i] = 0f;
            float c1 = 1f / (1f - (float)Math.Pow(b1, t)), c2 = 1f / (1f - (float)Math.Pow(b2, t));
            AdamUpdate.Apply(w, g, m, v, b1, b2, eps, lr, c1, c2);
            AdamUpdate.Reference(wRef, g, mRef, vRef, b1, b2, eps, lr, c1, c2);
        }
        Assert.Equal(mRef, m);
        Assert.Equal(vRef, v);
        Assert.Equal(wRef, w);
        if (length > 0) Assert.Contains(w.Zip(Fill(0).Select(_ => 0f)), p => p.First != 0f);
    }

    [Fact]
    public void Short_moment_buffers_are_refused_with_their_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => AdamUpdate.Apply(new float[4], new float[4], new float[3], new float[4], 0.9f, 0.999f, 1e-8f, 1e-3f, 1f, 1f));
        Assert.Contains("got 4, 3 and 4", e.Message);
    }
}
