using NeuralPipelines.Data.Datasets;

namespace NeuralPipelines.Models.Training;

/// <summary>Per-channel pixel standardisation x → (x − mean)/std, applied before the network sees an image; saved with the model
/// so that inference applies the same.</summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    public void Apply(Span<float> image, int channels)
    {
        if (Mean.Length != channels || Std.Length != channels)
            throw new ArgumentException($"Normalization has {Mean.Length} channel(s) but the image has {channels}.");
        int plane = image.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            var p = image.Slice(c * plane, plane);
            TensorPrimitives.Subtract(p, Mean[c], p);
            TensorPrimitives.Multiply(p, 1f / Std[c], p);
        }
    }

    /// <summary>Mean and standard deviation of each channel over a whole dataset (measured in double).</summary>
    public static Normalization Measure(LabelledImages images)
    {
        int c = images.Channels, plane = images.Height * images.Width;
        var mean = new float[c]; var std = new float[c];
        for (int ch = 0; ch < c; ch++)
        {
            double s = 0, s2 = 0; long n = 0;
            for (int i = 0; i < images.Count; i++)
            {
                var p = images.Image(i).Slice(ch * plane, plane);
                foreach (float v in p) { s += v; s2 += (double)v * v; }
                n += plane;
            }
            double m = s / n;
            mean[ch] = (float)m;
            std[ch] = (float)Math.Max(Math.Sqrt(Math.Max(s2 / n - m * m, 0)), 1e-6);
        }
        return new Normalization(mean, std);
    }
}
