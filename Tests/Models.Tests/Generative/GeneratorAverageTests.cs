using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>The moving average of a generator's weights: the blend matches its plain twin θ̄ ← β·θ̄ + (1 − β)·θ written
/// as a scalar loop, β ramps up as TensorFlow's num_updates rule, an update moves every parameter of a DCGAN generator
/// by exactly that rule and leaves its running statistics to <see cref="StandingStatistics"/>.</summary>
public class GeneratorAverageTests
{
    /// <summary>The plain twin of <see cref="GeneratorAverage.Blend"/>: the same two float operations, one value at a time.</summary>
    private static float[] PlainBlend(float[] average, float[] live, float beta)
    {
        var result = new float[average.Length];
        for (int i = 0; i < average.Length; i++)
        {
            float scaled = average[i] * beta;
            result[i] = live[i] * (1f - beta) + scaled;
        }
        return result;
    }

    private static float[] Random(int n, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => scale * (float)(2 * rng.NextDouble() - 1)).ToArray();
    }

    [Theory]
    [InlineData(1, 0.999f)]
    [InlineData(7, 0.5f)]
    [InlineData(64, 0.9f)]
    [InlineData(4099, 0.999f)] // vector body and a scalar tail
    public void The_blend_matches_its_plain_twin(int n, float beta)
    {
        var average = Random(n, 1);
        var live = Random(n, 2, scale: 3f);
        var expected = PlainBlend(average, live, beta);
        GeneratorAverage.Blend(average, live, beta);
        // The two float operations in the same order give the same bits up to one rounding of a fused multiply-add.
        for (int i = 0; i < n; i++)
            Assert.True(Math.Abs(expected[i] - average[i]) <= 2e-7f * (1 + Math.Abs(expected[i])), $"element {i}: {average[i]} vs {expected[i]}");
        // And it is the average, not some other blend: β of the old value and 1 − β of the new one, in double.
        var before = Random(n, 1);
        for (int i = 0; i < n; i++)
            Assert.Equal(beta * (double)before[i] + (1 - (double)beta) * live[i], average[i], 1e-5);
    }

    [Fact]
    public void Beta_ramps_up_to_its_ceiling_as_the_generator_trains()
    {
        Assert.Equal(0.1f, GeneratorAverage.DecayAt(0.999f, 0), 6);
        Assert.Equal(2f / 11f, GeneratorAverage.DecayAt(0.999f, 1), 6);
        Assert.Equal(101f / 110f, GeneratorAverage.DecayAt(0.999f, 100), 6);
        Assert.True(GeneratorAverage.DecayAt(0.999f, 8000) < 0.999f);
        Assert.Equal(0.999f, GeneratorAverage.DecayAt(0.999f, 9000));
        Assert.Equal(0.999f, GeneratorAverage.DecayAt(0.999f, 1_000_000));
        Assert.Equal(0.9f, GeneratorAverage.DecayAt(0.9f, 500));
    }

    [Fact]
    public void An_update_moves_every_parameter_of_a_dcgan_generator_by_the_rule_and_leaves_its_statistics()
    {
        var g = Dcgan.Generator(seed: 3);
        var average = GeneratorAverage.StartFrom(g);
        Assert.Equal(Values(g), Values(average));
        Assert.Equal(g.AllBuffers().SelectMany(b => b.Span.ToArray()), average.AllBuffers().SelectMany(b => b.Span.ToArray()));
        // Training moves the generator: here, every parameter by its own random amount, and the running statistics too.
        int k = 0;
        foreach (var p in g.AllParameters())
        {
            var moved = Random(p.Value.Length, 10 + k++, scale: 0.05f);
            for (int i = 0; i < moved.Length; i++) p.Value.Span[i] += moved[i];
        }
        foreach (var b in g.AllBuffers()) b.Span.Fill(0.25f);
        var old = Values(average);
        var statistics = average.AllBuffers().SelectMany(b => b.Span.ToArray()).ToArray();

        new GeneratorAverage(average, g, 0.999f).Update(step: 50);
        float beta = GeneratorAverage.DecayAt(0.999f, 50);
        Assert.Equal(PlainBlend(old, Values(g), beta), Values(average), (a, b) => Math.Abs(a - b) <= 2e-7f * (1 + Math.Abs(a)));
        Assert.Equal(statistics, average.AllBuffers().SelectMany(b => b.Span.ToArray()));
    }

    [Fact]
    public void The_ablation_gives_the_average_the_raw_generators_statistics_and_keeps_its_weights()
    {
        var g = Dcgan.Generator(seed: 4);
        var model = new GenerativeModel(GenerativeKind.Gan, g, 64, NoiseKind.Normal, [1, 28, 28], tanhOutput: true, discriminator: Dcgan.Discriminator(), averageGenerator: GeneratorAverage.StartFrom(g));
        foreach (var b in model.AverageGenerator!.AllBuffers()) b.Span.Fill(0.5f);   // standing statistics of its own
        foreach (var b in g.AllBuffers()) b.Span.Fill(0.25f);
        var weights = Values(model.AverageGenerator);
        model.GiveAverageRawStatistics();
        Assert.Equal(g.AllBuffers().SelectMany(b => b.Span.ToArray()), model.AverageGenerator.AllBuffers().SelectMany(b => b.Span.ToArray()));
        Assert.Equal(4, model.AverageGenerator.AllBuffers().Count());   // both batch norms' mean and variance
        Assert.Equal(weights, Values(model.AverageGenerator));
        var plain = new GenerativeModel(GenerativeKind.Gan, Dcgan.Generator(), 64, NoiseKind.Normal, [1, 28, 28], tanhOutput: true, discriminator: Dcgan.Discriminator());
        Assert.Contains("no moving average", Assert.Throws<ArgumentException>(plain.GiveAverageRawStatistics).Message);
    }

    [Fact]
    public void An_average_of_another_architecture_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new GeneratorAverage(Dcgan.Generator(features: 32), Dcgan.Generator(), 0.999f));
        Assert.Contains("not built as the trained one", e.Message);
        Assert.Throws<ArgumentException>(() => new GeneratorAverage(Dcgan.Generator(), Dcgan.Generator(), 1f));
    }

    private static float[] Values(Layer network) => network.AllParameters().SelectMany(p => p.Value.Span.ToArray()).ToArray();
}
