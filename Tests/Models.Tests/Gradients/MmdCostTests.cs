using System.Diagnostics;
using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Tensors;
using Xunit.Abstractions;

namespace NeuralPipelines.Models.Tests.Gradients;

/// <summary>The MMD cost: its gradient against finite differences, its value against the definition, and the
/// evaluation-sized statistic.</summary>
public class MmdCostTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(4, 5, 3, 1f, new[] { 0.5f, 1f, 2f })]
    [InlineData(6, 3, 2, 8f, null)] // the default bandwidths 2…80 on data spread like them
    public void Gradient_matches_finite_differences(int n, int m, int d, float scale, float[]? sigmas)
    {
        var generated = GradientCheck.Random(3, scale, 0f, n, d);
        var real = GradientCheck.Random(4, scale, 0f, m, d);
        System.Numerics.Tensors.TensorPrimitives.Add(real.Span, 0.3f * scale, real.Span);
        double error = GradientCheck.Loss(new MmdCost(sigmas), generated, real, step: 1e-2f * scale);
        output.WriteLine($"N={n}, M={m}, D={d}: relative error {error:E2}");
        Assert.True(error <= GradientCheck.Tolerance, $"relative error {error:E2}");
    }

    [Fact]
    public void A_gradient_with_a_planted_slip_fails_the_check()
    {
        // The cross term's factor 2 dropped: ∂MMD²/∂X wrong by a part, the value right. The check must see it.
        var generated = GradientCheck.Random(3, 1f, 0f, 4, 3);
        var real = GradientCheck.Random(4, 1f, 0f, 5, 3);
        System.Numerics.Tensors.TensorPrimitives.Add(real.Span, 0.3f, real.Span);
        double error = GradientCheck.Loss(new HalfCrossTermMmd(), generated, real);
        Assert.True(error > GradientCheck.Tolerance, $"planted slip not detected (relative error {error:E2})");
    }

    private sealed class HalfCrossTermMmd : Loss
    {
        public override string Name => "wrong-mmd";
        public override OutputActivation OutputActivation => OutputActivation.None;
        public override double Compute(Tensor x, Tensor y, Tensor? gradient)
        {
            float[] s = [0.5f, 1f, 2f];
            int n = x.Dim(0), m = y.Dim(0), d = x.ItemLength;
            var g = gradient is null ? Span<float>.Empty : gradient.Span;
            g.Clear();
            double xx = GaussianKernelSums.Sum(x.Span, n, x.Span, n, d, s, g, 2f / (n * n));
            double xy = GaussianKernelSums.Sum(x.Span, n, y.Span, m, d, s, g, -1f / (n * m));
            double yy = GaussianKernelSums.Sum(y.Span, m, y.Span, m, d, s);
            return xx / (n * n) + yy / (m * m) - 2 * xy / (n * m);
        }
    }

    private sealed class NoTermCost : Loss
    {
        public override string Name => "no-term";
        public override OutputActivation OutputActivation => OutputActivation.None;
    }

    [Fact]
    public void A_cost_that_overrides_neither_Compute_nor_Example_names_itself()
    {
        var e = Assert.Throws<NotSupportedException>(() => new NoTermCost().Compute(new Tensor(2, 3), new Tensor(2, 3), null));
        Assert.Contains("no-term", e.Message);
    }

    [Fact]
    public void Value_is_the_square_root_of_the_V_statistic()
    {
        var x = GradientCheck.Random(1, 2f, 0f, 3, 2);
        var y = GradientCheck.Random(2, 2f, 0f, 4, 2);
        float[] sigmas = [1f, 3f];
        double Kernel(Tensor a, int i, Tensor b, int j)
        {
            double s = 0, dd = 0;
            for (int p = 0; p < 2; p++) dd += Math.Pow(a[i * 2 + p] - b[j * 2 + p], 2);
            foreach (float sigma in sigmas) s += Math.Exp(-dd / (2 * sigma * sigma));
            return s;
        }
        double kxx = 0, kyy = 0, kxy = 0;
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) kxx += Kernel(x, i, x, j);
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) kyy += Kernel(y, i, y, j);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) kxy += Kernel(x, i, y, j);
        double expected = kxx / 9 + kyy / 16 - 2 * kxy / 12;
        Assert.Equal(expected, Mmd.Squared(x, y, sigmas), 5);
        Assert.Equal(Math.Sqrt(expected + MmdCost.Epsilon), new MmdCost(sigmas).Compute(x, y, null), 5);
    }

    [Fact]
    public void Identical_batches_cost_nothing_and_the_gradient_stays_finite()
    {
        var x = GradientCheck.Random(5, 3f, 0f, 8, 4);
        var g = new Tensor(8, 4);
        double c = new MmdCost().Compute(x, x.Clone(), g);
        Assert.True(c < 1e-3, $"C = {c}");
        foreach (float v in g.Span) Assert.True(float.IsFinite(v));
    }

    [Fact]
    public void Batches_must_agree_on_the_feature_count_only()
    {
        var cost = new MmdCost();
        Assert.True(double.IsFinite(cost.Compute(new Tensor(3, 5), new Tensor(7, 5), new Tensor(3, 5))));
        var e = Assert.Throws<ArgumentException>(() => cost.Compute(new Tensor(3, 5), new Tensor(3, 4), null));
        Assert.Contains("[3×5]", e.Message);
        Assert.Contains("[3×4]", e.Message);
    }

    [Fact]
    public void Evaluation_size_statistic_between_two_thousand_images_separates_distributions()
    {
        // 2,000 × 784 against 2,000 × 784: three Gram matrices of 4 million pairs, in blocks through GEMM.
        Tensor Images(int seed, float brightness)
        {
            var rng = new Random(seed);
            var t = new Tensor(2000, 784);
            for (int i = 0; i < t.Length; i++) t[i] = rng.NextDouble() < brightness ? (float)rng.NextDouble() : 0f;
            return t;
        }
        var a = Images(1, 0.2f);
        var sw = Stopwatch.StartNew();
        double same = Mmd.Squared(a, Images(2, 0.2f), Mmd.DefaultSigmas);
        double seconds = sw.Elapsed.TotalSeconds;
        double different = Mmd.Squared(a, Images(3, 0.25f), Mmd.DefaultSigmas);
        output.WriteLine($"MMD² same distribution {same:E3}, different {different:E3}; {seconds:F2} s for 2000×784 vs 2000×784");
        // The V-statistic's bias keeps "same" above 0 (about (1/N + 1/M)·mean(k(x,x) − k(x,y))); a 25% change in how many
        // pixels are lit still stands well clear of it.
        Assert.True(same >= 0 && different > 3 * same, $"same {same:E3}, different {different:E3}");
    }
}
