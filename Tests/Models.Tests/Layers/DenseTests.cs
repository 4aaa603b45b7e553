using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests;

public class DenseTests
{
    [Fact]
    public void Forward_matches_the_weighted_sum_written_out()
    {
        var dense = new Dense(3, 2, rng: new Random(1));
        var x = new Tensor([1f, 2f, 3f, -1f, 0.5f, 0f], 2, 3);
        var y = dense.Forward(x, training: false);
        var w = dense.Weight.Value; var b = dense.Bias.Value;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                double z = b[j];
                for (int k = 0; k < 3; k++) z += w[j * 3 + k] * x[i * 3 + k];
                Assert.Equal(z, y[i * 2 + j], 5);
            }
    }

    [Fact]
    public void Spec_round_trips_through_the_registry()
    {
        var net = new Sequential(new Dense(4, 3), new ReLU(), new Dense(3, 2));
        var rebuilt = LayerRegistry.Build(LayerSpec.FromJson(net.Spec.ToJson()));
        Assert.Equal(net.Spec.ToJson(), rebuilt.Spec.ToJson());
        Assert.Equal(net.ParameterCount(), rebuilt.ParameterCount());
    }

    [Fact]
    public void A_shape_of_more_values_than_an_int_holds_is_refused_with_its_true_count()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dense(784, 10).OutputShape([1, 1_000_000, 1_000_000]));
        Assert.Contains("(1000000000000 values)", e.Message);
    }

    [Theory]
    [InlineData("x12")]
    [InlineData("99999999999")] // overflows an int: still reported as the unreadable argument
    public void An_unreadable_size_in_a_spec_names_the_argument(string inputs)
    {
        var spec = LayerSpec.FromJson(new Dense(4, 3).Spec.ToJson().Replace("\"4\"", $"\"{inputs}\""));
        var e = Assert.Throws<FormatException>(() => LayerRegistry.Build(spec));
        Assert.Contains($"inputs='{inputs}'", e.Message);
    }

    [Fact]
    public void Interim_gemm_agrees_with_its_reference()
    {
        var rng = new Random(3);
        foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            int m = 7, n = 9, k = 5;
            var a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            var b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            var c1 = new float[m * n]; var c2 = new float[m * n];
            Gemm.Multiply(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n, c1, n);
            GemmReference.Multiply(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n, c2, n);
            for (int i = 0; i < c1.Length; i++) Assert.Equal(c2[i], c1[i], 4);
        }
    }
}
