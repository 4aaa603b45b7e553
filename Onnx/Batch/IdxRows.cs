using System.Globalization;
using NeuralPipelines.Data.Datasets;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>One split of an MNIST-style IDX folder (images and labels) as model inputs, labels carried to the output.</summary>
/// <remarks>The IDX file is read whole: it is compact (one byte a pixel, 7.8 MB for 10,000 28×28 images as floats) and its
/// reader already bounds what it allocates by what the file holds; the streaming that matters is of the output, which this
/// source's rows go through like any other's.</remarks>
public sealed class IdxRows : IRowSource
{
    private readonly LabelledImages _images;
    private long _next;

    /// <param name="split">"test" (the t10k files, the default) or "train".</param>
    /// <exception cref="InvalidDataException">The images' shape is not the model's input; names both.</exception>
    public IdxRows(string folder, string split, int[] inputShape, string model)
    {
        var files = IdxImageFolder.Files(folder);
        _images = split switch
        {
            "test" => IdxImageFolder.LoadPair(files[2], files[3]),
            "train" => IdxImageFolder.LoadPair(files[0], files[1]),
            _ => throw new ArgumentException($"--split '{split}': an IDX folder has the splits test and train."),
        };
        int[] shape = [_images.Channels, _images.Height, _images.Width];
        bool same = inputShape.SequenceEqual(shape) || (inputShape.Length == 1 && inputShape[0] == _images.ImageLength);
        if (!same)
            throw new InvalidDataException(
                $"{_images.Source}: images of {string.Join("×", shape)}, but {model} takes [{string.Join(", ", inputShape)}]; an IDX folder is scored at its own size.");
        Source = _images.Source;
    }

    public string Source { get; }
    public string Kind => "idx";
    public bool HasItems => false;
    public bool HasLabels => true;
    public double Fraction => _images.Count == 0 ? 1 : (double)_next / _images.Count;

    public bool Fill(RowChunk chunk, Shard shard)
    {
        for (; _next < _images.Count && chunk.Count < chunk.Capacity; _next++)
        {
            if (!shard.Contains(_next)) continue;
            int row = chunk.Count++;
            _images.Image((int)_next).CopyTo(chunk.Input(row));
            chunk.Labels[row] = _images.Labels[_next].ToString(CultureInfo.InvariantCulture);
            chunk.Rows[row] = _next;
        }
        return _next < _images.Count;
    }

    public void Dispose() { }
}
