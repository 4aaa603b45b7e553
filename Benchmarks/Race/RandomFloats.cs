namespace NeuralPipelines.Benchmarks.Race;

/// <summary>Benchmark operands: floats drawn uniformly from [−1, 1) by a seeded generator, in order.</summary>
public static class RandomFloats
{
    public static float[] Uniform(Random rng, int length)
    {
        var values = new float[length];
        Fill(rng, values);
        return values;
    }

    public static void Fill(Random rng, Span<float> into)
    {
        for (int i = 0; i < into.Length; i++) into[i] = (float)(rng.NextDouble() * 2 - 1);
    }
}
