using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Conv;

public class CompositeTests
{
    [Fact]
    public void Identity_residual_adds_its_input()
    {
        var body = new Conv2d(2, 2, 3, padding: 1, rng: new Random(1));
        var x = GradientCheck.Random(new Random(2), 1, 2, 4, 4);
        var f = body.Forward(x, true).Clone();
        var y = new Residual(body).Forward(x, true);
        for (int i = 0; i < y.Length; i++) Assert.Equal(f[i] + x[i], y[i], 5);
    }

    /// <summary>The sum of the two ∂C/∂x goes into the body's own buffer, except where the body hands back δ itself (an
    /// empty body): then δ, which the identity shortcut also passes on, must stay as it was.</summary>
    [Fact]
    public void Residual_backward_leaves_the_incoming_gradient_as_it_was()
    {
        var x = GradientCheck.Random(new Random(5), 2, 3, 4, 4);
        var dy = GradientCheck.Random(new Random(6), 2, 3, 4, 4);
        var before = dy.Clone();
        var empty = new Residual(new Sequential());
        empty.Forward(x, true);
        var dx = empty.Backward(dy);
        for (int i = 0; i < dy.Length; i++)
        {
            Assert.Equal(before[i], dy[i]);
            Assert.Equal(2 * before[i], dx[i]);
        }
        var conv = new Conv2d(3, 3, 3, padding: 1, rng: new Random(7));
        var block = new Residual(conv);
        block.Forward(x, true);
        var sum = block.Backward(dy).Clone();
        var alone = new Conv2d(3, 3, 3, padding: 1, rng: new Random(7));
        alone.Forward(x, true);
        var dBody = alone.Backward(dy);
        for (int i = 0; i < dy.Length; i++)
        {
            Assert.Equal(before[i], dy[i]);
            Assert.Equal(dBody[i] + before[i], sum[i]);
        }
    }

    [Fact]
    public void Identity_residual_gradients_match_finite_differences()
    {
        // No bias before batch-norm (it would be cancelled by the mean, leaving a zero gradient to compare).
        var block = new Residual(new Sequential(new Conv2d(3, 3, 3, padding: 1, bias: false, rng: new Random(1)), new BatchNorm2d(3),
            new Conv2d(3, 3, 3, padding: 1, rng: new Random(2))));
        var result = GradientCheck.Layer(block, GradientCheck.Random(new Random(3), 2, 3, 5, 5), step: 1e-2f);
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    [Fact]
    public void Projection_residual_gradients_match_finite_differences()
    {
        // The body halves the size and doubles the channels, so the shortcut must too: a strided 1×1 convolution.
        var block = new Residual(
            new Sequential(new Conv2d(2, 4, 3, stride: 2, padding: 1, rng: new Random(1)), new Conv2d(4, 4, 3, padding: 1, rng: new Random(2))),
            new Sequential(new Conv2d(2, 4, 1, stride: 2, bias: false, rng: new Random(3)), new BatchNorm2d(4)));
        Assert.Equal([4, 4, 3], block.OutputShape([2, 7, 5]));
        var result = GradientCheck.Layer(block, GradientCheck.Random(new Random(4), 2, 2, 7, 5), step: 1e-2f);
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    /// <summary>A block and the activation after it, run as one (<see cref="IFusesActivation"/>): after a ReLU the junction
    /// stores no sum and the body's last batch norm takes the ReLU's mask into its backward sweep; after a leaky ReLU the
    /// sum is kept and the activation runs its own backward pass. Both against central finite differences, with an
    /// identity and a projection shortcut.</summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void A_block_fused_with_its_activation_matches_finite_differences(bool leaky, bool projection)
    {
        var body = new Sequential(new Conv2d(3, 3, 3, padding: 1, bias: false, rng: new Random(1)), new BatchNorm2d(3), new ReLU(),
            new Conv2d(3, 3, 3, padding: 1, bias: false, rng: new Random(2)), GradientCases.WithRealValues(new BatchNorm2d(3), 8));
        Layer? shortcut = projection ? new Sequential(new Conv2d(3, 3, 1, bias: false, rng: new Random(3)), new BatchNorm2d(3)) : null;
        var block = new Sequential(new Residual(body, shortcut), leaky ? new LeakyReLU(0.2f) : new ReLU());
        var result = GradientCheck.Layer(block, GradientCheck.Random(new Random(4), 2, 3, 5, 5), step: 1e-3f);
        Assert.True(result.Error <= GradientCheck.Tolerance, result.ToString());
    }

    /// <summary>ResNet-8's shares of ∂C/∂x joining in place (<see cref="Residual.JoinsInPlace"/>: the projection shortcuts
    /// add theirs onto the body's, the identity block's body adds its own onto δ) or written apart and added: five SGD steps
    /// on MNIST digits end on the same bits.</summary>
    [Fact]
    public void Resnet_steps_end_on_the_same_bits_whether_the_gradients_join_in_place_or_not()
    {
        Residual.JoinsInPlace = false;
        (float[][] State, float[] Outputs) apart;
        try { apart = Generative.BatchNormActivationFusionTests.TrainResNet(); }
        finally { Residual.JoinsInPlace = true; }
        var adding = Generative.BatchNormActivationFusionTests.TrainResNet();
        Generative.BatchNormActivationFusionTests.SameBits(apart.State, adding.State, "ResNet-8");
        Assert.True(apart.Outputs.AsSpan().SequenceEqual(adding.Outputs), "ResNet-8's outputs in inference differ");
    }

    [Fact]
    public void Residual_without_a_needed_projection_names_both_shapes()
    {
        var block = new Residual(new Conv2d(2, 4, 3, padding: 1));
        var e = Assert.Throws<ArgumentException>(() => block.OutputShape([2, 6, 6]));
        Assert.Contains("[4×6×6]", e.Message);
        Assert.Contains("[2×6×6]", e.Message);
    }

    private static Branches Inception() => new(
        new Conv2d(3, 2, 1, rng: new Random(1)),
        new Sequential(new Conv2d(3, 2, 1, rng: new Random(2)), new Conv2d(2, 3, 3, padding: 1, rng: new Random(3))),
        new Sequential(new MaxPool2d(3, 1, 1), new Conv2d(3, 1, 1, rng: new Random(4))));

    [Fact]
    public void Branches_concatenate_on_the_channel_axis()
    {
        var block = Inception();
        var x = GradientCheck.Random(new Random(5), 2, 3, 4, 4);
        var first = ((Layer)block.Children[0]).Forward(x, true).Clone();
        var y = block.Forward(x, true);
        Assert.Equal([2, 6, 4, 4], y.ShapeArray());
        Assert.Equal([6, 4, 4], block.OutputShape([3, 4, 4]));
        // Example 1's first two channels are branch 0's output for example 1.
        for (int i = 0; i < 32; i++) Assert.Equal(first[32 + i], y[96 + i]);
    }

    [Fact]
    public void Branches_gradients_match_finite_differences()
    {
        var x = GradientCheck.Random(new Random(6), 2, 3, 5, 5);
        // Shuffle the values apart so the max-pool branch has no near-ties.
        var order = Enumerable.Range(0, x.Length).ToArray();
        new Random(7).Shuffle(order);
        for (int i = 0; i < x.Length; i++) x[i] = (order[i] - x.Length / 2) * 0.01f;
        var result = GradientCheck.Layer(Inception(), x);
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    [Fact]
    public void Branches_of_different_sizes_are_rejected()
    {
        var block = new Branches(new Conv2d(1, 1, 3), new Conv2d(1, 1, 3, padding: 1));
        var e = Assert.Throws<ArgumentException>(() => block.OutputShape([1, 6, 6]));
        Assert.Contains("[1×4×4]", e.Message);
        Assert.Contains("[1×6×6]", e.Message);
    }

    [Fact]
    public void Flatten_keeps_the_batch_axis_and_its_gradient_is_exact()
    {
        var x = GradientCheck.Random(new Random(8), 2, 3, 2, 2);
        var y = new Flatten().Forward(x, true);
        Assert.Equal([2, 12], y.ShapeArray());
        var result = GradientCheck.Layer(new Flatten(), x);
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    [Fact]
    public void Composites_round_trip_through_specs_with_their_children()
    {
        var net = new Sequential(
            new Residual(new Conv2d(2, 4, 3, stride: 2, padding: 1), new Conv2d(2, 4, 1, stride: 2)),
            new Branches(new Conv2d(4, 2, 1), new MaxPool2d(3, 1, 1)),
            new GlobalAvgPool(), new Flatten());
        var rebuilt = LayerRegistry.Build(LayerSpec.FromJson(net.Spec.ToJson()));
        Assert.Equal(net.Spec.ToJson(), rebuilt.Spec.ToJson());
        Assert.Equal(net.ParameterCount(), rebuilt.ParameterCount());
        Assert.Equal([6], rebuilt.OutputShape([2, 8, 8]));
    }
}
