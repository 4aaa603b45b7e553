using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.Scoring;

/// <summary>Opens a colorizer from an exported ONNX model (through ONNX Runtime, CUDA when present) or from a checkpoint,
/// whichever the file is, and refuses anything else by name.</summary>
public static class OnnxColorizer
{
    /// <summary>The colorizer in <paramref name="path"/>, an ONNX export or a checkpoint, owning its ONNX Runtime session:
    /// <c>using var colorizer = OnnxColorizer.Load("colorizer.onnx"); colorizer.ColorizeFile("photo.jpg", "photo.png");</c></summary>
    /// <exception cref="InvalidDataException">The file holds a model that is not a colorizer; the message says what it holds.</exception>
    public static Colorizer Load(string path, OnnxScorerOptions? options = null) => Open(path, options).Colorizer;

    /// <summary>The colorizer in <paramref name="path"/> and, for ONNX, the scorer behind it (null for a checkpoint), to
    /// report its execution provider; disposing either releases the session.</summary>
    /// <exception cref="InvalidDataException">The file holds a model that is not a colorizer; the message says what it holds.</exception>
    public static (Colorizer Colorizer, OnnxScorer? Scorer) Open(string path, OnnxScorerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file.", path);
        if (CheckpointFile.IsMeantAsCheckpoint(path)) return (new Colorizer(ColorizerCheckpoint.Load(path).Model), null);

        var scorer = OnnxScorer.Load(path, options);
        try
        {
            var card = scorer.Card?.Colorizer
                ?? throw new InvalidDataException($"{path}: the ONNX model is {(scorer.Card is null ? "not one exported by NeuralPipelines" : $"a {scorer.Card.Architecture}")}, not a colorizer (export one with np export --model colorizer.ckpt).");
            int size = card.Size;
            var colorizer = new Colorizer(l =>
            {
                int n = l.Dim(0);
                var ab = scorer.Score(l.Span, n);
                return new Tensor(ab, n, 2, size, size);
            }, size, owned: scorer);
            return (colorizer, scorer);
        }
        catch { scorer.Dispose(); throw; }
    }

    /// <summary>The ONNX model of a colorizer's generator (L in, ab out) with its card.</summary>
    public static (NeuralPipelines.Models.Layers.Layer Network, ModelCard Card) Exportable(ColorizerCheckpoint checkpoint) =>
        (checkpoint.Model.Generator, ModelCard.FromColorizer(checkpoint.Model, checkpoint.Training is { } t ? ColorizerLosses.Name(t.Options.Loss) : "unknown"));
}
