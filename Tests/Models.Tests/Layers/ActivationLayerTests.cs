using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Zoo;

namespace NeuralPipelines.Models.Tests.Layers;

public class ActivationLayerTests
{
    [Fact]
    public void Activations_compute_their_textbook_values()
    {
        var z = new Tensor([-2f, 0f, 3f], 1, 3);
        Assert.Equal(1 / (1 + Math.Exp(2)), new Sigmoid().Forward(z, false)[0], 6);
        Assert.Equal(Math.Tanh(3), new Tanh().Forward(z, false)[2], 6);
        Assert.Equal([0f, 0f, 3f], new ReLU().Forward(z, false).Span.ToArray());
        Assert.Equal([-0.2f, 0f, 3f], new LeakyReLU(0.1f).Forward(z, false).Span.ToArray());
    }

    [Fact]
    public void ReLU_and_residual_sums_over_tensors_long_enough_to_be_shared_between_threads_match_the_definition()
    {
        // 3 × 16 × 40 × 40 = 76 800 floats: three chunks of Elementwise, the last one partial.
        var rng = new Random(2);
        var z = new Tensor(3, 16, 40, 40); var dy = new Tensor(3, 16, 40, 40);
        for (int i = 0; i < z.Length; i++) { z[i] = (float)(rng.NextDouble() - 0.5); dy[i] = (float)rng.NextDouble(); }
        Assert.True(z.Length > 2 * Elementwise.Chunk);
        var relu = new ReLU();
        var a = relu.Forward(z, true);
        var dz = relu.Backward(dy);
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(Math.Max(z[i], 0f), a[i]);
            Assert.Equal(z[i] > 0 ? dy[i] : 0f, dz[i]);
        }
        var block = new NeuralPipelines.Models.Layers.Conv.Residual(new ReLU());
        var y = block.Forward(z, true);
        var dx = block.Backward(dy);
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(Math.Max(z[i], 0f) + z[i], y[i]);
            Assert.Equal((z[i] > 0 ? dy[i] : 0f) + dy[i], dx[i]);
        }
    }

    [Fact]
    public void Softmax_rows_are_distributions_even_for_huge_logits()
    {
        var p = new Softmax().Forward(new Tensor([1000f, 999f, -1000f, 1f, 2f, 3f], 2, 3), false);
        Assert.Equal(1f, p[0] + p[1] + p[2], 5);
        Assert.Equal(1f, p[3] + p[4] + p[5], 5);
        Assert.Equal(Math.E / (1 + Math.E), p[0], 5);
    }

    [Fact]
    public void Dropout_drops_about_p_scales_the_rest_and_passes_through_at_inference()
    {
        var drop = new Dropout(0.3f, seed: 4);
        var x = new Tensor(100, 100);
        x.Span.Fill(1f);
        var y = drop.Forward(x, training: true);
        int zeros = 0; double sum = 0;
        foreach (float v in y.Span) { if (v == 0f) zeros++; else Assert.Equal(1f / 0.7f, v, 5); sum += v; }
        Assert.InRange(zeros / 10000.0, 0.27, 0.33);
        Assert.InRange(sum / 10000.0, 0.95, 1.05); // the expected activation is unchanged
        Assert.Same(x, drop.Forward(x, training: false));
    }

    [Fact]
    public void Dropout_masks_repeat_after_reseeding()
    {
        var drop = new Dropout(0.5f);
        var x = new Tensor(4, 50); x.Span.Fill(1f);
        drop.Reseed(9); var a = drop.Forward(x, true).Span.ToArray();
        var b = drop.Forward(x, true).Span.ToArray();
        drop.Reseed(9); var c = drop.Forward(x, true).Span.ToArray();
        Assert.Equal(a, c);
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("relu")]
    [InlineData("leaky-relu")]
    public void Every_layer_kind_round_trips_through_its_spec(string activation)
    {
        var net = new Sequential(new Dense(6, 4), Activations.Create(activation), new Dropout(0.25f), new Dense(4, 3), new Softmax());
        var rebuilt = LayerRegistry.Build(LayerSpec.FromJson(net.Spec.ToJson()));
        Assert.Equal(net.Spec.ToJson(), rebuilt.Spec.ToJson());
    }

    [Fact]
    public void Mlp_output_layer_follows_the_cost()
    {
        static string Last(string cost) => Mlp.Build(new MlpOptions([4, 3, 2], "tanh", Initializer.Scaled, 0f, LossFunctions.Parse(cost))).Children[^1].Spec.Kind;
        Assert.Equal("tanh", Last("quadratic"));      // reads the activation's output
        Assert.Equal("dense", Last("cross-entropy"));  // logits; sigmoid fused into the cost
        Assert.Equal("dense", Last("log-likelihood")); // logits; softmax fused into the cost
        var withDropout = Mlp.Build(new MlpOptions([4, 3, 3, 2], "relu", Initializer.He, 0.5f, CostKind.LogLikelihood));
        Assert.Equal(2, withDropout.Children.Count(c => c is Dropout));
    }

    [Fact]
    public void A_wrong_input_size_names_the_layer_and_both_shapes()
    {
        var net = new Sequential(new Dense(784, 30), new Sigmoid(), new Dense(30, 10));
        var e = Assert.Throws<ArgumentException>(() => net.OutputShape([3, 32, 32]));
        Assert.Contains("Layer 0", e.Message);
        Assert.Contains("784", e.Message);
        Assert.Contains("[3×32×32]", e.Message);
    }

    public static TheoryData<string> TopLevelLayers => new() { "dense", "sigmoid", "softmax", "dropout" };

    [Theory]
    [MemberData(nameof(TopLevelLayers))]
    public void A_gradient_of_the_wrong_size_names_both_shapes(string kind)
    {
        Layer layer = kind switch
        {
            "dense" => new Dense(4, 3),
            "softmax" => new Softmax(),
            "dropout" => new Dropout(0.5f),
            _ => Activations.Create(kind),
        };
        var x = new Tensor(new float[2 * 4], 2, 4);
        var y = layer.Forward(x, training: true);
        var dy = new Tensor(new float[y.Length + 1], y.Length + 1);
        var e = Assert.Throws<ArgumentException>(() => layer.Backward(dy));
        Assert.Contains(Tensor.ShapeText(y.Shape), e.Message);
        Assert.Contains($"[{y.Length + 1}]", e.Message);
    }
}
