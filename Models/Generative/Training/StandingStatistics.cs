using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Generative.Training;

/// <summary>Sets a network's batch-norm running statistics to the mean and unbiased variance of its own activations over
/// many inputs ("standing statistics", as BigGAN does for its averaged generator; SWA's <c>update_bn</c> alike).</summary>
/// <remarks>
/// <para>An averaged generator (<see cref="GeneratorAverage"/>) has weights no training step ever ran, so no running
/// statistics belong to it: the trained generator's describe other weights, and averaging them is wrong too (the
/// average of weights that point different ways has smaller activations than any of them). So they are measured: each
/// batch-norm layer in turn, in the order they are met, sees the activations of the layers before it in inference
/// mode, those before it already holding their new statistics, which is how the network will run when it samples.</para>
/// <para>Sums are in double with each batch's mean and squared deviations merged by Chan et al.'s rule, so a channel
/// whose mean is large beside its spread keeps its variance. Only chains (<see cref="Sequential"/>, nested) are walked:
/// a batch-norm inside another composite is refused rather than left stale.</para>
/// </remarks>
public static class StandingStatistics
{
    /// <summary>Inputs drawn per re-estimation: with the per-feature batch-norm of the DCGAN generator's 6,272 features each
    /// feature's mean is then known to about 2% of its spread, three times closer than a running average of momentum 0.1
    /// over batches of 64 (about 640 examples) knows it.</summary>
    public const int Samples = 2048;

    /// <summary>Inputs per forward pass, which bounds the activations held at once.</summary>
    public const int Batch = 256;

    /// <summary>Re-estimates every batch-norm layer of <paramref name="network"/> from <paramref name="inputs"/> [N, …].</summary>
    public static void Estimate(Layer network, Tensor inputs, int batch = Batch)
    {
        var layers = Chain(network).ToArray();
        int n = inputs.Dim(0);
        if (n < 2) throw new ArgumentException($"Standing statistics need at least two inputs to estimate a variance, got {Tensor.ShapeText(inputs.Shape)}.");
        for (int k = 0; k < layers.Length; k++)
        {
            if (layers[k] is not (BatchNorm1d or BatchNorm2d)) continue;
            Moments? moments = null;
            for (int start = 0; start < n; start += batch)
            {
                int count = Math.Min(batch, n - start);
                var x = Rows(inputs, start, count);
                for (int j = 0; j < k; j++) x = layers[j].Forward(x, training: false);
                int channels = layers[k] is BatchNorm1d bn1 ? bn1.Features : ((BatchNorm2d)layers[k]).Channels;
                moments ??= new Moments(channels);
                moments.Add(x.Span, count, channels, x.Length / (count * channels));
            }
            var (mean, variance) = layers[k] is BatchNorm1d b1 ? (b1.RunningMean, b1.RunningVariance) : (((BatchNorm2d)layers[k]).RunningMean, ((BatchNorm2d)layers[k]).RunningVariance);
            moments!.Write(mean.Span, variance.Span);
        }
    }

    /// <summary>The leaves of a chain of <see cref="Sequential"/>s, in the order an input meets them.</summary>
    private static IEnumerable<Layer> Chain(Layer layer)
    {
        if (layer is Sequential)
        {
            foreach (var child in layer.Children)
                foreach (var leaf in Chain(child)) yield return leaf;
            yield break;
        }
        if (layer.Children.Count > 0 && HasBatchNorm(layer))
            throw new NotSupportedException($"Standing statistics walk chains of layers; a batch-norm inside a {layer.Spec.Kind} is not reached.");
        yield return layer;
    }

    private static bool HasBatchNorm(Layer layer) => layer is BatchNorm1d or BatchNorm2d || layer.Children.Any(HasBatchNorm);

    private static Tensor Rows(Tensor x, int start, int count)
    {
        int per = x.ItemLength;
        int[] shape = x.ShapeArray();
        shape[0] = count;
        return new Tensor(x.Span.Slice(start * per, count * per).ToArray(), shape);
    }

    /// <summary>Count, mean and sum of squared deviations per channel, merged batch by batch.</summary>
    private sealed class Moments(int channels)
    {
        private readonly double[] _mean = new double[channels], _m2 = new double[channels];
        private double _count;

        /// <summary>Adds a batch laid out [rows, channels, inner] (a feature of BatchNorm1d has inner = 1).</summary>
        public void Add(ReadOnlySpan<float> x, int rows, int channels, int inner)
        {
            double m = (double)rows * inner, total = _count + m;
            for (int c = 0; c < channels; c++)
            {
                double sum = 0;
                for (int i = 0; i < rows; i++)
                    foreach (float v in x.Slice((i * channels + c) * inner, inner)) sum += v;
                double mean = sum / m, m2 = 0;
                for (int i = 0; i < rows; i++)
                    foreach (float v in x.Slice((i * channels + c) * inner, inner)) m2 += (v - mean) * (v - mean);
                // Chan, Golub and LeVeque's pairwise update of (mean, M2) for two groups of sizes _count and m.
                double delta = mean - _mean[c];
                _mean[c] += delta * m / total;
                _m2[c] += m2 + delta * delta * _count * m / total;
            }
            _count = total;
        }

        /// <summary>The mean and the unbiased variance (PyTorch's convention for running variances).</summary>
        public void Write(Span<float> mean, Span<float> variance)
        {
            for (int c = 0; c < _mean.Length; c++)
            {
                mean[c] = (float)_mean[c];
                variance[c] = (float)(_m2[c] / (_count - 1));
            }
        }
    }
}
