using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Tensors;
using Xunit.Abstractions;

namespace NeuralPipelines.Models.Tests.Gradients;

/// <summary>Each cost's gradient against finite differences, and the fused costs against the unfused chain rule.</summary>
public class LossGradientTests(ITestOutputHelper output)
{
    public static TheoryData<string> Names => new() { "quadratic", "cross-entropy", "log-likelihood" };

    private static Tensor OneHot(int n, int k, int seed)
    {
        var rng = new Random(seed);
        var t = new Tensor(n, k);
        for (int i = 0; i < n; i++) t[i * k + rng.Next(k)] = 1f;
        return t;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradient_matches_finite_differences(string name)
    {
        var loss = LossFunctions.Create(LossFunctions.Parse(name));
        var outputTensor = name == "quadratic" ? GradientCheck.Random(3, 0.45f, 0f, 4, 6) : GradientCheck.Random(3, 3f, 0f, 4, 6);
        if (name == "quadratic") System.Numerics.Tensors.TensorPrimitives.Add(outputTensor.Span, 0.5f, outputTensor.Span); // sigmoid-like outputs in (0,1)
        double error = GradientCheck.Loss(loss, outputTensor, OneHot(4, 6, 9));
        output.WriteLine($"{name}: relative error {error:E2}");
        Assert.True(error <= GradientCheck.Tolerance, $"{name}: relative error {error:E2}");
    }

    [Fact]
    public void Cross_entropy_on_logits_equals_the_honest_cost_on_sigmoid_outputs_and_its_chain_rule()
    {
        var z = GradientCheck.Random(4, 4f, 0f, 3, 5);
        var y = new Tensor(3, 5);
        for (int i = 0; i < y.Length; i++) y[i] = i % 3 == 0 ? 1f : 0f;
        var fused = new Tensor(3, 5);
        double c = new CrossEntropyCost().Compute(z, y, fused);

        // Nielsen's form on a = σ(z): C = −(1/n) Σ [y ln a + (1−y) ln(1−a)], ∂C/∂a = (a − y)/(a(1 − a))/n, then ⊙ σ'(z).
        var sigmoid = new Sigmoid();
        var a = sigmoid.Forward(z, true);
        double honest = 0;
        var dA = new Tensor(3, 5);
        for (int i = 0; i < a.Length; i++)
        {
            double ai = a[i];
            honest -= y[i] * Math.Log(ai) + (1 - y[i]) * Math.Log(1 - ai);
            dA[i] = (float)((ai - y[i]) / (ai * (1 - ai)) / 3);
        }
        honest /= 3;
        var chained = sigmoid.Backward(dA);
        Assert.Equal(honest, c, 5);
        for (int i = 0; i < fused.Length; i++) Assert.Equal(chained[i], fused[i], 5);
    }

    [Fact]
    public void Cross_entropy_stays_finite_where_float_sigmoid_saturates()
    {
        var z = new Tensor([40f, -40f], 1, 2);
        var y = new Tensor([0f, 1f], 1, 2);
        var g = new Tensor(1, 2);
        double c = new CrossEntropyCost().Compute(z, y, g);
        Assert.Equal(80, c, 3);
        Assert.Equal(1f, g[0], 5);  // σ(40) − 0: a saturated wrong neuron still learns at full speed
        Assert.Equal(-1f, g[1], 5);
    }

    [Fact]
    public void Log_likelihood_equals_softmax_layer_then_negative_log_and_survives_huge_logits()
    {
        var z = GradientCheck.Random(6, 5f, 0f, 2, 4);
        var y = OneHot(2, 4, 1);
        var g = new Tensor(2, 4);
        double c = new LogLikelihoodCost().Compute(z, y, g);
        var p = new Softmax().Forward(z, false);
        double expected = 0;
        for (int i = 0; i < 8; i++) if (y[i] == 1f) expected -= Math.Log(p[i]) / 2;
        Assert.Equal(expected, c, 5);
        for (int i = 0; i < 8; i++) Assert.Equal((p[i] - y[i]) / 2, g[i], 5);

        var huge = new Tensor([1000f, -1000f, 0f], 1, 3);
        var target = new Tensor([0f, 1f, 0f], 1, 3);
        Assert.Equal(2000, new LogLikelihoodCost().Compute(huge, target, new Tensor(1, 3)), 3);
    }

    [Fact]
    public void Mismatched_shapes_name_both()
    {
        var e = Assert.Throws<ArgumentException>(() => new QuadraticCost().Compute(new Tensor(2, 3), new Tensor(2, 4), null));
        Assert.Contains("[2×3]", e.Message);
        Assert.Contains("[2×4]", e.Message);
    }
}
