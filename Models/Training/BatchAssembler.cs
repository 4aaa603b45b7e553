using NeuralPipelines.Data.Augmentation;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Training;

/// <summary>Copies a mini-batch of images (chosen by index) into one reused [N, C, H, W] tensor, augments and normalises
/// them, and writes one-hot targets. After the first full batch it allocates nothing.</summary>
public sealed class BatchAssembler
{
    private readonly LabelledImages _data;
    private readonly Normalization? _normalization;
    private readonly ImageAugmenter? _augmenter;
    private Tensor? _images, _targets;

    public BatchAssembler(LabelledImages data, Normalization? normalization = null, AugmentationOptions? augmentation = null)
    {
        _data = data;
        _normalization = normalization;
        _augmenter = augmentation is null || augmentation.IsIdentity ? null : new ImageAugmenter(augmentation);
    }

    public Tensor Images => _images ?? throw new InvalidOperationException("No batch assembled yet.");

    /// <summary>One-hot rows: targets[i, label] = 1.</summary>
    public Tensor Targets => _targets ?? throw new InvalidOperationException("No batch assembled yet.");

    /// <summary>Fills the batch from <paramref name="order"/>[start..start+count]; augments only when <paramref name="augmentationRng"/> is given.</summary>
    public void Fill(ReadOnlySpan<int> order, int start, int count, Random? augmentationRng)
    {
        var d = _data;
        var x = Tensor.Ensure(ref _images, count, d.Channels, d.Height, d.Width);
        var t = Tensor.Ensure(ref _targets, count, d.Classes);
        t.Clear();
        int len = d.ImageLength;
        for (int i = 0; i < count; i++)
        {
            int index = order[start + i];
            var image = x.Span.Slice(i * len, len);
            d.Image(index).CopyTo(image);
            if (_augmenter is not null && augmentationRng is not null) _augmenter.Apply(image, d.Channels, d.Height, d.Width, augmentationRng);
            _normalization?.Apply(image, d.Channels);
            t[i * d.Classes + d.Labels[index]] = 1f;
        }
    }

    /// <summary>Fills the batch with images start..start+count in dataset order, without augmentation (for evaluation).</summary>
    public void FillSequential(int start, int count)
    {
        var d = _data;
        var x = Tensor.Ensure(ref _images, count, d.Channels, d.Height, d.Width);
        var t = Tensor.Ensure(ref _targets, count, d.Classes);
        t.Clear();
        int len = d.ImageLength;
        d.Pixels.AsSpan(start * len, count * len).CopyTo(x.Span);
        for (int i = 0; i < count; i++)
        {
            if (_normalization is not null) _normalization.Apply(x.Span.Slice(i * len, len), d.Channels);
            t[i * d.Classes + d.Labels[start + i]] = 1f;
        }
    }
}
