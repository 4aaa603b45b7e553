namespace NeuralPipelines.Data.Datasets;

/// <summary>Images with class labels, pixels scaled to [0, 1], stored NCHW in one array.</summary>
public sealed class LabelledImages
{
    /// <param name="labelsSource">Where the labels came from, when that is another file than the images (an IDX folder's
    /// labels file); <paramref name="source"/> otherwise.</param>
    public LabelledImages(string source, float[] pixels, int[] labels, int channels, int height, int width, int classes, string? labelsSource = null)
    {
        int per = channels * height * width;
        if (per <= 0) throw new ArgumentException($"{source}: image size {channels}×{height}×{width} is empty.");
        if (pixels.Length != labels.Length * per)
            throw new ArgumentException($"{source}: {labels.Length} labels but {pixels.Length} pixels ({pixels.Length / (double)per:0.##} images of {channels}×{height}×{width}).");
        foreach (int l in labels)
            if (l < 0 || l >= classes) throw new ArgumentException($"{labelsSource ?? source}: label {l} is outside 0..{classes - 1}.");
        // The readers check their files, but images built in code reach the trainer only through here: a NaN pixel was
        // reported as "training diverged, try a smaller learning rate", and evaluation returned 10 % accuracy without a word.
        int bad = PixelBound.FirstOutside(pixels);
        if (bad >= 0)
            throw new ArgumentException($"{source}: image {bad / per}, value {bad % per} {PixelBound.Describe(pixels[bad])}.");
        Source = source; LabelsSource = labelsSource ?? source; Pixels = pixels; Labels = labels;
        Channels = channels; Height = height; Width = width; Classes = classes;
    }

    /// <summary>Where the images came from (file or dataset name), for messages.</summary>
    public string Source { get; }
    /// <summary>Where the labels came from, for messages about a label: the labels file of an IDX pair, else <see cref="Source"/>.</summary>
    public string LabelsSource { get; }
    public float[] Pixels { get; }
    public int[] Labels { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Classes { get; }
    public int Count => Labels.Length;
    public int ImageLength => Channels * Height * Width;

    public ReadOnlySpan<float> Image(int i) => Pixels.AsSpan(i * ImageLength, ImageLength);

    /// <summary>The first <paramref name="n"/> images (for quick runs and tests).</summary>
    public LabelledImages Take(int n)
    {
        n = Math.Min(n, Count);
        return new LabelledImages(Source, Pixels[..(n * ImageLength)], Labels[..n], Channels, Height, Width, Classes, LabelsSource);
    }
}
