using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Regularization;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Optimizers;

public class OptimizerTests
{
    private static Parameter Param(float w, float g, bool decays = true)
    {
        var p = new Parameter("weight", new Tensor([w], 1), decays);
        p.Gradient[0] = g;
        return p;
    }

    [Fact]
    public void Sgd_steps_against_the_gradient()
    {
        var p = Param(1f, 0.5f);
        new Sgd([p], new OptimizerSettings()).Step(0.1f);
        Assert.Equal(0.95f, p.Value[0], 6);
    }

    [Fact]
    public void Momentum_accumulates_velocity()
    {
        var p = Param(0f, 1f);
        var sgd = new Sgd([p], new OptimizerSettings(OptimizerKind.Sgd, 0.9f));
        sgd.Step(0.1f); // v = 1, w = −0.1
        sgd.Step(0.1f); // v = 1.9, w = −0.29
        Assert.Equal(-0.29f, p.Value[0], 5);
        Assert.Equal(1.9f, sgd.State[0][0], 5);
    }

    [Fact]
    public void Adam_first_step_has_the_size_of_the_learning_rate()
    {
        var p = Param(1f, 123f);
        new Adam([p], new OptimizerSettings(OptimizerKind.Adam)).Step(0.01f);
        Assert.Equal(0.99f, p.Value[0], 4); // bias-corrected m/√v = sign(g) on step one
    }

    [Fact]
    public void L2_is_Nielsens_weight_decay_and_skips_biases()
    {
        var w = Param(2f, 0f); var b = Param(2f, 0f, decays: false);
        new Regularizer(l2: 5f, l1: 0f, trainingSetSize: 100).AddGradients([w, b]);
        new Sgd([w, b], new OptimizerSettings()).Step(0.5f);
        Assert.Equal((1 - 0.5f * 5f / 100) * 2f, w.Value[0], 6); // w → (1 − ηλ/n) w
        Assert.Equal(2f, b.Value[0]);
    }

    [Fact]
    public void L1_shrinks_towards_zero_by_a_constant()
    {
        var pos = Param(2f, 0f); var neg = Param(-2f, 0f);
        new Regularizer(0f, 4f, 100).AddGradients([pos, neg]);
        new Sgd([pos, neg], new OptimizerSettings()).Step(0.5f);
        Assert.Equal(2f - 0.5f * 4f / 100, pos.Value[0], 6); // w → w − (ηλ/n) sgn(w)
        Assert.Equal(-2f + 0.5f * 4f / 100, neg.Value[0], 6);
    }

    [Fact]
    public void The_added_gradient_is_the_derivative_of_the_penalty()
    {
        var p = new Parameter("weight", new Tensor([0.7f, -1.3f, 2.1f], 3), decays: true);
        var bias = new Parameter("bias", new Tensor([5f], 1), decays: false);
        var reg = new Regularizer(l2: 3f, l1: 2f, trainingSetSize: 10);
        reg.AddGradients([p, bias]);
        Assert.Equal(0f, bias.Gradient[0]);
        // Nielsen's penalty, (λ₂/2n) Σw² + (λ₁/n) Σ|w|, written out so the gradient is checked against the cost it claims to be.
        double Penalty() => 3.0 / 20 * p.Value.Span.ToArray().Sum(w => (double)w * w) + 2.0 / 10 * p.Value.Span.ToArray().Sum(w => Math.Abs((double)w));
        Assert.Equal(3.0 / 20 * (0.49 + 1.69 + 4.41) + 2.0 / 10 * (0.7 + 1.3 + 2.1), Penalty(), 5);
        // Central differences (the suite's one checker) are exact for the quadratic part; |w| is smooth away from 0.
        double error = GradientCheck.Function(p.Value, Penalty, p.Gradient);
        Assert.True(error < GradientCheck.Tolerance, $"relative error {error:E2}");
    }

    [Fact]
    public void Unknown_optimizer_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => OptimizerSettings.ParseKind("rmsprop"));
        Assert.Contains("rmsprop", e.Message);
    }
}
