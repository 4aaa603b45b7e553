using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.Idx;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>One split of an MNIST-style IDX folder (images and labels) as model inputs, labels carried to the output.</summary>
/// <remarks>The images are read a chunk at a time from the (gzip) stream, so a file of any length is scored in the memory of a
/// few chunks and its reading overlaps the scoring; the labels, one byte an image, are read whole. Pixels are scaled as
/// <see cref="IdxImageFolder.LoadPair"/> scales them (× 1/255), so a model sees the floats it was trained on.</remarks>
public sealed class IdxRows : IRowSource
{
    private readonly Stream _payload;
    private readonly int[] _labels;
    private readonly int _imageLength;
    private byte[] _bytes = [];
    private long _next;
    private bool _ended;

    /// <param name="split">"test" (the t10k files, the default) or "train".</param>
    /// <exception cref="InvalidDataException">Not unsigned-byte images, a label count that differs from the image count, or a
    /// shape that is not the model's input; names the file (and both shapes).</exception>
    public IdxRows(string folder, string split, int[] inputShape, string model)
    {
        var (imagesPath, labelsPath) = IdxImageFolder.SplitFiles(folder, split);
        var labels = IdxReader.Read(labelsPath);
        if (labels.Dimensions.Length != 1)
            throw new InvalidDataException($"{labelsPath}: expected labels of rank 1 (count), found rank {labels.Dimensions.Length} [{string.Join("×", labels.Dimensions)}].");
        _labels = labels.ToInts(labelsPath);
        var (header, payload) = IdxReader.OpenPayload(imagesPath);
        _payload = payload;
        try
        {
            var d = header.Dimensions;
            IdxImageFolder.RefuseSignedBytes(header.Type, d, imagesPath);
            if (header.Type != IdxType.UnsignedByte || d.Length != 3)
                throw new InvalidDataException($"{imagesPath}: expected unsigned-byte images of rank 3 (count×rows×columns), found {header}.");
            if (d[0] != _labels.Length)
                throw new InvalidDataException($"{imagesPath} holds {d[0]} images but {labelsPath} holds {_labels.Length} labels.");
            int[] shape = [1, d[1], d[2]];
            _imageLength = d[1] * d[2];
            if (!inputShape.SequenceEqual(shape) && !(inputShape.Length == 1 && inputShape[0] == _imageLength))
                throw new InvalidDataException($"{imagesPath}: images of {string.Join("×", shape)}, but {model} takes [{string.Join(", ", inputShape)}]; an IDX folder is scored at its own size.");
        }
        catch
        {
            _payload.Dispose();
            throw;
        }
        Source = imagesPath;
    }

    public string Source { get; }
    public string Kind => "idx";
    public bool HasItems => false;
    public bool HasLabels => true;
    public double Fraction => _labels.Length == 0 ? 1 : (double)_next / _labels.Length;

    // Compiled optimised at the first call rather than after tiering: a run of np score is over in a second or so, most of it
    // before tier 1 would arrive, and tier-0 code runs several times slower than optimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Fill(RowChunk chunk, Shard shard)
    {
        while (_next < _labels.Length && chunk.Count < chunk.Capacity)
        {
            // A run of images in one read (every image is read, a shard's or not: a compressed stream cannot skip
            // without inflating anyway), then the shard's ones converted in one vector pass each.
            // At most about 256 KiB a read, so that the bytes are still in the core's cache when they are converted
            // (reads of a whole 4096-image chunk, 3.2 MB, cost the reader twice the CPU: score-race --split).
            int run = (int)Math.Min(Math.Min(_labels.Length - _next, chunk.Capacity - chunk.Count), Math.Max(1, ReadBytes / _imageLength));
            if (_bytes.Length < run * _imageLength) _bytes = new byte[run * _imageLength];
            var bytes = _bytes.AsSpan(0, run * _imageLength);
            int got = _payload.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (got < bytes.Length)
                throw new InvalidDataException($"{Source}: truncated: the header promises {_labels.Length} images but the data ends inside image {_next + got / _imageLength}.");
            for (int k = 0; k < run; k++, _next++)
            {
                if (!shard.Contains(_next)) continue;
                int row = chunk.Count++;
                var input = chunk.Input(row);
                TensorPrimitives.ConvertTruncating<byte, float>(bytes.Slice(k * _imageLength, _imageLength), input);
                TensorPrimitives.Multiply(input, Scale, input);
                chunk.Labels[row] = LabelTexts.Of(_labels[_next]);
                chunk.Rows[row] = _next;
            }
        }
        if (_next < _labels.Length) return true;
        CheckEnd();
        return false;
    }

    // A run reads no further than the last image the header promises; reading on to the end makes a gzip file's trailer
    // be checked (zlib's CRC-32, our length) and refuses bytes beyond the images, as the whole-file reader does.
    private void CheckEnd()
    {
        if (_ended) return;
        _ended = true;
        long extra = 0;
        int n;
        while ((n = _payload.Read(_bytes.Length > 0 ? _bytes : _bytes = new byte[4096])) > 0) extra += n;
        if (extra > 0)
            throw new InvalidDataException($"{Source}: {extra} more bytes after the {_labels.Length} images the header promises (trailing data, or wrong dimensions).");
    }

    private const float Scale = 1f / 255f;
    private const int ReadBytes = 256 << 10;

    public void Dispose() => _payload.Dispose();
}
