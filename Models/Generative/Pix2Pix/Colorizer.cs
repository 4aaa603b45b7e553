using NeuralPipelines.Data.IO;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Generative.Pix2Pix;

/// <summary>Colorizes photos of any size with a trained generator: the chroma is predicted at the model's size from the
/// photo's lightness, resized to the photo's full resolution and combined with its own full-resolution L, as colorization
/// tools do, so the result keeps every detail of the original.</summary>
/// <remarks>The generator runs in inference mode (dropout off, batch-norm running statistics): the same photo always gets
/// the same colours. Not thread-safe: layers reuse their buffers; use one Colorizer per thread. Disposing it releases
/// what it was given to own (an ONNX Runtime session); a colorizer over a trained network owns nothing.</remarks>
public sealed class Colorizer : IDisposable
{
    private readonly Func<Tensor, Tensor> _predict;
    private readonly IDisposable? _owned;

    public Colorizer(Layer generator, int size)
    {
        var shape = generator.OutputShape([1, size, size]);
        if (!shape.SequenceEqual([2, size, size]))
            throw new ArgumentException($"A colorizer's generator must map [1×{size}×{size}] to [2×{size}×{size}], this one gives {Tensor.ShapeText(shape)}.");
        _predict = l => generator.Forward(l, training: false);
        Size = size;
    }

    /// <summary>A colorizer over any chroma predictor (an ONNX Runtime session): <paramref name="predict"/> maps scaled L
    /// [N × 1 × S × S] to scaled ab [N × 2 × S × S]; <paramref name="owned"/>, when given, is disposed with the colorizer.</summary>
    public Colorizer(Func<Tensor, Tensor> predict, int size, IDisposable? owned = null)
    {
        if (size <= 0) throw new ArgumentException($"The colorizer's size must be positive, got {size}.");
        _predict = predict; Size = size; _owned = owned;
    }

    public Colorizer(ColorizerModel model) : this(model.Generator, model.Size) { }

    /// <summary>A colorizer from a checkpoint of kind "colorizer".</summary>
    public static Colorizer Load(string checkpointPath) => new(Checkpoints.ColorizerCheckpoint.Load(checkpointPath).Model);

    public int Size { get; }

    /// <summary>Predicted chroma [N × 2 × S × S] (scaled ab) for lightness [N × 1 × S × S] (scaled L), a copy.</summary>
    public Tensor PredictChroma(Tensor lightness) => _predict(lightness).Clone();

    /// <summary>The colour version of <paramref name="photo"/> (its colours, if any, are ignored: only its lightness is read).</summary>
    public RgbImage Colorize(RgbImage photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        int h = photo.Height, w = photo.Width, p = h * w;
        // Full-resolution L from the photo itself.
        var full = new float[3 * p];
        CieLab.FromSrgb(photo.Pixels, full);
        // The model's input: the photo squeezed to S×S, then its L.
        var small = ImageFile.ResizePlanes(photo.Pixels, 3, h, w, Size, Size);
        for (int i = 0; i < small.Length; i++) small[i] = Math.Clamp(small[i], 0f, 1f);
        int sp = Size * Size;
        var l = new Tensor(1, 1, Size, Size);
        var ab = new float[2 * sp];
        LabScaling.FromSrgb(small, l.Span, ab, new float[3 * sp]);
        var chroma = _predict(l);
        var bigChroma = ImageFile.ResizePlanes(chroma.Span, 2, Size, Size, h, w);
        // Combine: L* from the photo, a* and b* from the model.
        for (int i = 0; i < 2 * p; i++) full[p + i] = bigChroma[i] * LabScaling.ChromaScale;
        var rgb = new float[3 * p];
        CieLab.ToSrgb(full, rgb);
        return new RgbImage(rgb, h, w) { Alpha = photo.Alpha };   // transparency is no colour: it passes through as L does
    }

    /// <summary>Reads a photo file (PNG, JPEG, BMP; any size up to <paramref name="maxPixels"/>), colorizes it at its own
    /// resolution and writes the result to <paramref name="outputPng"/> as PNG, whole or not at all.</summary>
    /// <exception cref="InvalidDataException">The photo is not a readable image or is too large; the message names it, and nothing is written.</exception>
    /// <exception cref="ArgumentException"><paramref name="outputPng"/> is the photo itself (its own path, a link to it): nothing is written.</exception>
    public RgbImage ColorizeFile(string photoPath, string outputPng, long maxPixels = ImageFile.DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(photoPath);
        ArgumentNullException.ThrowIfNull(outputPng);
        // The write is atomic, so it would replace the photo whole: refused, as np colorize refuses it.
        if (File.Exists(outputPng) && SameFile.Equal(photoPath, outputPng))
            throw new ArgumentException($"{outputPng} is the photo being colorized ({photoPath}); writing it would destroy the photo. Nothing was written.");
        var result = Colorize(ImageFile.Read(photoPath, maxPixels));
        ImageWriter.WritePng(outputPng, result);
        return result;
    }

    public void Dispose() => _owned?.Dispose();

    /// <summary>Colorizes photos already at the model's size [N × 3 × S × S] in one batch (the contact sheet, the measurements).</summary>
    public float[] ColorizeBatch(PhotoSet photos)
    {
        if (photos.Size != Size) throw new ArgumentException($"{photos.Source} was read at {photos.Size}×{photos.Size} but the colorizer works at {Size}×{Size}.");
        int n = photos.Count, sp = Size * Size, length = photos.ImageLength;
        var lab = ColorizerTrainer.ToScaledLab(photos);
        var l = new Tensor(n, 1, Size, Size);
        for (int i = 0; i < n; i++) lab.AsSpan(i * length, sp).CopyTo(l.Span.Slice(i * sp, sp));
        var chroma = _predict(l);
        var result = new float[n * length];
        var scratch = new float[length];
        for (int i = 0; i < n; i++)
            LabScaling.ToSrgb(l.Span.Slice(i * sp, sp), chroma.Span.Slice(i * 2 * sp, 2 * sp), result.AsSpan(i * length, length), scratch);
        return result;
    }
}
