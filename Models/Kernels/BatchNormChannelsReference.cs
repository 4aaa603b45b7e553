namespace NeuralPipelines.Models.Kernels;

/// <summary>The plain twin of <see cref="BatchNormChannels"/>: the definitions, one value at a time, sums in double.</summary>
public static class BatchNormChannelsReference
{
    public static void NormalizeTraining(ReadOnlySpan<float> x, int batch, int channels, int plane, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, float epsilon, Span<float> mean, Span<float> variance, Span<float> unbiasedVariance,
        Span<float> inverseStd, Span<float> y)
    {
        long count = (long)batch * plane;
        for (int ch = 0; ch < channels; ch++)
        {
            double sum = 0, sq = 0;
            for (int i = 0; i < batch; i++)
                for (int k = 0; k < plane; k++) sum += x[(i * channels + ch) * plane + k];
            double mu = sum / count;
            for (int i = 0; i < batch; i++)
                for (int k = 0; k < plane; k++)
                {
                    double d = x[(i * channels + ch) * plane + k] - mu;
                    sq += d * d;
                }
            mean[ch] = (float)mu;
            variance[ch] = (float)(sq / count);
            unbiasedVariance[ch] = (float)(sq / (count - 1));
        }
        NormalizeInference(x, batch, channels, plane, gamma, beta, epsilon, mean, variance, inverseStd, y);
    }

    public static void NormalizeInference(ReadOnlySpan<float> x, int batch, int channels, int plane, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, float epsilon, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, Span<float> inverseStd,
        Span<float> y)
    {
        for (int ch = 0; ch < channels; ch++)
        {
            float inv = inverseStd[ch] = 1f / MathF.Sqrt(variance[ch] + epsilon);
            for (int i = 0; i < batch; i++)
                for (int k = 0; k < plane; k++)
                {
                    int at = (i * channels + ch) * plane + k;
                    y[at] = gamma[ch] * ((x[at] - mean[ch]) * inv) + beta[ch];
                }
        }
    }

    /// <summary>Backward from the forward pass's input x, its μ and 1/σ: x̂ = (x − μ)·(1/σ).</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> mean, int batch, int channels, int plane,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> inverseStd, bool batchStatistics, Span<float> sumDy, Span<float> sumDyXh,
        Span<float> dx)
    {
        long count = (long)batch * plane;
        for (int ch = 0; ch < channels; ch++)
        {
            double s = 0, sx = 0;
            for (int i = 0; i < batch; i++)
                for (int k = 0; k < plane; k++)
                {
                    int at = (i * channels + ch) * plane + k;
                    s += dy[at];
                    sx += (double)dy[at] * ((x[at] - mean[ch]) * inverseStd[ch]);
                }
            sumDy[ch] = (float)s; sumDyXh[ch] = (float)sx;
            double scale = gamma[ch] * inverseStd[ch];
            for (int i = 0; i < batch; i++)
                for (int k = 0; k < plane; k++)
                {
                    int at = (i * channels + ch) * plane + k;
                    double normalized = (x[at] - mean[ch]) * inverseStd[ch];
                    dx[at] = batchStatistics
                        ? (float)(scale * (dy[at] - s / count - normalized * (sx / count)))
                        : (float)(scale * dy[at]);
                }
        }
    }
}
