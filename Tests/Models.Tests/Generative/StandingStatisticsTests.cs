using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>Standing statistics: each batch-norm layer of a DCGAN generator ends holding the mean and unbiased variance of
/// the activations it meets in inference mode over all the inputs, computed here in one plain pass over all of them at
/// once, whatever the batch the estimate walks them in; and then normalises those activations to mean β, spread γ.</summary>
public class StandingStatisticsTests
{
    private static Sequential MovedGenerator()
    {
        var g = Dcgan.Generator(noise: 16, features: 8, seed: 5);
        // Weights away from their initial scale and non-zero β, so the statistics are far from the fresh (0, 1).
        var rng = new Random(9);
        foreach (var p in g.AllParameters())
            for (int i = 0; i < p.Value.Length; i++) p.Value.Span[i] += 0.3f * (float)(2 * rng.NextDouble() - 1);
        return g;
    }

    /// <summary>Per channel: mean and unbiased variance, in double over a plain loop, of x laid out [n, channels, inner].</summary>
    private static (double[] Mean, double[] Variance) Plain(Tensor x, int channels)
    {
        int n = x.Dim(0), inner = x.ItemLength / channels;
        var mean = new double[channels]; var variance = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            var values = new List<double>();
            for (int i = 0; i < n; i++)
                for (int j = 0; j < inner; j++) values.Add(x.Span[(i * channels + c) * inner + j]);
            mean[c] = values.Average();
            variance[c] = values.Sum(v => (v - mean[c]) * (v - mean[c])) / (values.Count - 1);
        }
        return (mean, variance);
    }

    [Theory]
    [InlineData(37)]   // batches of 37, 37, … and a short last one
    [InlineData(300)]  // all at once
    public void Each_batch_norm_holds_the_moments_of_its_own_inputs(int batch)
    {
        var g = MovedGenerator();
        var z = NoiseSampler.For(NoiseKind.Normal, 16, 300, seed: 2);
        StandingStatistics.Estimate(g, z, batch);

        var layers = g.Children;
        var x = z;
        int checkedLayers = 0;
        foreach (var layer in layers)
        {
            if (layer is BatchNorm1d or BatchNorm2d)
            {
                var (running, variance, channels) = layer is BatchNorm1d b1 ? (b1.RunningMean, b1.RunningVariance, b1.Features)
                    : (((BatchNorm2d)layer).RunningMean, ((BatchNorm2d)layer).RunningVariance, ((BatchNorm2d)layer).Channels);
                var (mean, var2) = Plain(x, channels);
                for (int c = 0; c < channels; c++)
                {
                    Assert.Equal(mean[c], running.Span[c], 1e-4 * (1 + Math.Abs(mean[c])));
                    Assert.True(Math.Abs(var2[c] - variance.Span[c]) <= 1e-4 * (1 + var2[c]), $"{layer.Spec.Kind} channel {c}: {variance.Span[c]} vs {var2[c]}");
                }
                checkedLayers++;
            }
            x = layer.Forward(x, training: false).Clone();
        }
        Assert.Equal(2, checkedLayers);
    }

    [Fact]
    public void After_the_estimate_the_features_come_out_normalised()
    {
        var g = MovedGenerator();
        var z = NoiseSampler.For(NoiseKind.Normal, 16, 400, seed: 3);
        var bn = (BatchNorm1d)g.Children[1];
        double Spread()
        {
            // The mean over features of |mean of y − β| / |γ| after the batch norm, in inference mode.
            var y = bn.Forward(g.Children[0].Forward(z, training: false), training: false);
            double off = 0;
            for (int f = 0; f < bn.Features; f++)
            {
                double m = 0;
                for (int i = 0; i < 400; i++) m += y.Span[i * bn.Features + f];
                off += Math.Abs(m / 400 - bn.Beta.Value.Span[f]) / Math.Abs(bn.Gamma.Value.Span[f]);
            }
            return off / bn.Features;
        }
        double before = Spread();
        StandingStatistics.Estimate(g, z);
        double after = Spread();
        Assert.True(before > 0.05, $"the fresh statistics already fit ({before})");
        Assert.True(after < 1e-3, $"after the estimate the features are off their β by {after} of γ");
    }

    [Fact]
    public void A_batch_norm_inside_a_composite_it_cannot_walk_is_refused()
    {
        var net = new Sequential(new Dense(4, 4, Init.Initializer.He, new Random(1)),
            new Residual(new Sequential(new BatchNorm1d(4), new ReLU())));
        Assert.Throws<NotSupportedException>(() => StandingStatistics.Estimate(net, NoiseSampler.For(NoiseKind.Normal, 4, 8, 1)));
    }
}
