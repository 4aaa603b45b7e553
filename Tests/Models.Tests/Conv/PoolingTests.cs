using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Conv;

public class PoolingTests
{
    /// <summary>Distinct values 0.01 apart, shuffled: a finite-difference step of 1e-3 never changes which input wins a max.</summary>
    private static Tensor Distinct(int seed, params int[] shape)
    {
        var t = new Tensor(shape);
        var order = Enumerable.Range(0, t.Length).OrderBy(_ => 0).ToArray();
        new Random(seed).Shuffle(order);
        for (int i = 0; i < t.Length; i++) t[i] = (order[i] - t.Length / 2) * 0.01f;
        return t;
    }

    [Fact]
    public void Max_pool_picks_the_largest_in_each_window()
    {
        var x = new Tensor([1, 5, 2, 0, 3, 4, 8, 1, 0, 0, -1, -2, 9, 0, -3, -4], 1, 1, 4, 4);
        var y = new MaxPool2d(2).Forward(x, false);
        Assert.Equal([5f, 8f, 9f, -1f], y.Span.ToArray());
    }

    [Theory]
    [InlineData(2, 2, 0, 6, 6)]
    [InlineData(3, 2, 1, 7, 7)]   // overlapping windows, padding, odd size
    [InlineData(3, 1, 1, 5, 4)]
    public void Max_pool_gradients_match_finite_differences(int k, int s, int p, int h, int w)
    {
        var result = GradientCheck.Layer(new MaxPool2d(k, s, p), Distinct(1, 2, 3, h, w));
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    [Theory]
    [InlineData(2, 2, 0, 6, 6, false)]
    [InlineData(3, 2, 1, 7, 7, false)]
    [InlineData(3, 2, 1, 7, 7, true)]
    [InlineData(3, 1, 1, 5, 4, false)]
    public void Avg_pool_gradients_match_finite_differences(int k, int s, int p, int h, int w, bool includePad)
    {
        var result = GradientCheck.Layer(new AvgPool2d(k, s, p, includePad), GradientCheck.Random(new Random(3), 2, 3, h, w));
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    [Fact]
    public void Avg_pool_padding_is_left_out_of_the_count_unless_asked()
    {
        var x = new Tensor([4f, 4f, 4f, 4f], 1, 1, 2, 2);
        // A 3×3 window at the corner covers 4 real pixels and 5 padded ones.
        Assert.Equal(4f, new AvgPool2d(3, 1, 1).Forward(x, false)[0], 5);
        Assert.Equal(16f / 9f, new AvgPool2d(3, 1, 1, countIncludePad: true).Forward(x, false)[0], 5);
    }

    [Fact]
    public void Global_average_pool_means_each_channel()
    {
        var x = new Tensor([1, 2, 3, 4, 10, 20, 30, 40], 1, 2, 2, 2);
        var y = new GlobalAvgPool().Forward(x, false);
        Assert.Equal([1, 2, 1, 1], y.ShapeArray());
        Assert.Equal([2.5f, 25f], y.Span.ToArray());
        var result = GradientCheck.Layer(new GlobalAvgPool(), GradientCheck.Random(new Random(4), 3, 2, 5, 3));
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    [Fact]
    public void Pools_round_trip_through_their_specs()
    {
        foreach (Layer layer in new Layer[] { new MaxPool2d((3, 2), (2, 1), (1, 0)), new AvgPool2d(3, 2, 1, true), new GlobalAvgPool(), new Flatten() })
        {
            var rebuilt = LayerRegistry.Build(LayerSpec.FromJson(layer.Spec.ToJson()));
            Assert.Equal(layer.Spec.ToJson(), rebuilt.Spec.ToJson());
            Assert.Equal(layer.OutputShape([2, 7, 7]), rebuilt.OutputShape([2, 7, 7]));
        }
    }

    [Fact]
    public void Pooling_a_flat_tensor_names_its_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => new MaxPool2d(2).Forward(new Tensor(4, 10), false));
        Assert.Contains("[4×10]", e.Message);
    }

    /// <summary>Audit O8: MaxPool2d(-2) said "padding 0×0 must be at most half the kernel -2×-2".</summary>
    [Fact]
    public void A_negative_pooling_kernel_is_named_as_the_kernel_not_the_padding()
    {
        var max = Assert.Throws<ArgumentException>(() => new MaxPool2d(-2));
        Assert.Contains("kernel -2×-2", max.Message);
        Assert.Contains("must be positive", max.Message);
        var avg = Assert.Throws<ArgumentException>(() => new AvgPool2d(-3));
        Assert.Contains("must be positive", avg.Message);
        Assert.Contains("at most half", Assert.Throws<ArgumentException>(() => new MaxPool2d(2, padding: 2)).Message);
    }
}
