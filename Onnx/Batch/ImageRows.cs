using NeuralPipelines.Data.Images;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>A folder of images (flat, or one sub-folder per class; see <see cref="ImageTree"/>) as model inputs: each file
/// decoded (PNG, JPEG, BMP only), checked against the model's [C, H, W] and scaled to [0, 1]; the class folder's name is
/// the row's label and the file's relative path its item name.</summary>
/// <remarks>The model's normalisation is inside the exported graph (its card records it), so pixels go in as they are,
/// divided by 255. A chunk's files are decoded on several threads, each into its own slot, and a file that fails is then
/// squeezed out; the rows that remain, and the errors, come out in row order whatever the thread count.</remarks>
public sealed class ImageRows : IRowSource
{
    private readonly IReadOnlyList<ImageEntry> _entries;
    private readonly int _channels, _height, _width, _threads;
    private readonly bool _resize;
    private readonly long _maxPixels;
    private int _next;

    /// <exception cref="InvalidDataException">The model's input is not an image ([1 or 3, H, W]), or the folder holds no images.</exception>
    public ImageRows(string folder, int[] inputShape, string model, bool resize, int threads, long maxPixels = ImageFile.DefaultMaxPixels)
    {
        if (inputShape.Length != 3 || inputShape[0] is not (1 or 3))
            throw new InvalidDataException($"{model}: takes [{string.Join(", ", inputShape)}], not an image of 1 or 3 channels [C, H, W]; score {folder} with an image model.");
        _entries = ImageTree.List(folder);
        (_channels, _height, _width) = (inputShape[0], inputShape[1], inputShape[2]);
        _resize = resize;
        _threads = Math.Max(1, threads);
        _maxPixels = maxPixels;
        Source = folder;
        HasLabels = _entries.Any(e => e.Class is not null);
    }

    public string Source { get; }
    public string Kind => "images";
    public bool HasItems => true;
    public bool HasLabels { get; }
    public double Fraction => _entries.Count == 0 ? 1 : (double)_next / _entries.Count;

    /// <summary>Images in the folder (before sharding).</summary>
    public int Count => _entries.Count;

    public bool Fill(RowChunk chunk, Shard shard)
    {
        var picked = new List<int>(chunk.Capacity);
        for (; _next < _entries.Count && picked.Count < chunk.Capacity; _next++)
            if (shard.Contains(_next)) picked.Add(_next);
        int length = chunk.InputLength;
        var errors = new string?[picked.Count];
        Parallel.For(0, picked.Count, new ParallelOptions { MaxDegreeOfParallelism = _threads }, i =>
        {
            try { ImageFile.ReadInto(_entries[picked[i]].Path, chunk.Inputs, i * length, _channels, _height, _width, _resize, _maxPixels); }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException) { errors[i] = e.Message.ReplaceLineEndings(" "); }
        });
        for (int i = 0; i < picked.Count; i++)
        {
            var entry = _entries[picked[i]];
            if (errors[i] is { } error) { chunk.Errors.Add(new RowError(picked[i], entry.RelativePath, error)); continue; }
            int row = chunk.Count++;
            if (row != i) Array.Copy(chunk.Inputs, (long)i * length, chunk.Inputs, (long)row * length, length);
            chunk.Rows[row] = picked[i];
            chunk.Items[row] = entry.RelativePath;
            chunk.Labels[row] = entry.Class;
        }
        return _next < _entries.Count;
    }

    public void Dispose() { }
}
