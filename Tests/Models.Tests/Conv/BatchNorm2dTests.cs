using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Conv;

public class BatchNorm2dTests
{
    private static BatchNorm2d Make(int c)
    {
        var bn = new BatchNorm2d(c);
        for (int i = 0; i < c; i++) { bn.Gamma.Value[i] = 0.5f + 0.3f * i; bn.Beta.Value[i] = 0.1f * i - 0.2f; }
        return bn;
    }

    [Fact]
    public void Training_output_has_zero_mean_and_unit_variance_per_channel_before_the_affine()
    {
        var bn = new BatchNorm2d(3);
        var x = GradientCheck.Random(new Random(1), 4, 3, 5, 5);
        for (int i = 0; i < x.Length; i++) x[i] = x[i] * 3 + 7; // far from standard
        var y = bn.Forward(x, training: true);
        for (int c = 0; c < 3; c++)
        {
            var values = Enumerable.Range(0, 4).SelectMany(n => y.Span.Slice((n * 3 + c) * 25, 25).ToArray()).ToArray();
            double mean = values.Average(v => (double)v), variance = values.Average(v => ((double)v - mean) * (v - mean));
            Assert.Equal(0, mean, 4);
            Assert.Equal(1, variance, 3);
        }
    }

    [Fact]
    public void Running_statistics_follow_momentum_and_drive_inference()
    {
        var bn = new BatchNorm2d(1);
        var x = new Tensor([1f, 2f, 3f, 6f], 2, 1, 1, 2); // mean 3, biased var 3.5, unbiased 14/3
        bn.Forward(x, training: true);
        Assert.Equal(0.3f, bn.RunningMean[0], 5);
        Assert.Equal(0.9f * 1f + 0.1f * 14f / 3f, bn.RunningVariance[0], 5);
        // Inference uses the running statistics, not the batch's.
        var y = bn.Forward(new Tensor([0.3f, 1.3f], 1, 1, 1, 2), training: false);
        Assert.Equal(0f, y[0], 5);
        Assert.Equal(1f / MathF.Sqrt(bn.RunningVariance[0] + 1e-5f), y[1], 4);
        Assert.Equal(2, bn.Buffers.Count);
    }

    [Fact]
    public void Training_mode_gradients_match_finite_differences()
    {
        var result = GradientCheck.Layer(Make(3), GradientCheck.Random(new Random(2), 4, 3, 3, 5), training: true, step: 1e-2f);
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    [Fact]
    public void Inference_mode_gradients_match_finite_differences()
    {
        var bn = Make(2);
        bn.Forward(GradientCheck.Random(new Random(5), 8, 2, 3, 3), training: true); // non-trivial running statistics
        var result = GradientCheck.Layer(bn, GradientCheck.Random(new Random(6), 2, 2, 3, 3), training: false);
        Assert.True(result.Error <= 1e-3, result.ToString());
    }

    [Fact]
    public void Gamma_and_beta_do_not_decay_and_spec_round_trips()
    {
        var bn = new BatchNorm2d(4, momentum: 0.2f);
        Assert.All(bn.Parameters, p => Assert.False(p.Decays));
        var rebuilt = (BatchNorm2d)LayerRegistry.Build(LayerSpec.FromJson(bn.Spec.ToJson()));
        Assert.Equal(0.2f, rebuilt.Momentum);
        Assert.Equal(1e-5f, rebuilt.Epsilon);
    }

    [Fact]
    public void Wrong_channel_count_names_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new BatchNorm2d(16).Forward(new Tensor(2, 8, 4, 4), true));
        Assert.Contains("16", e.Message);
        Assert.Contains("[2×8×4×4]", e.Message);
    }
}
