using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Onnx.Validation;

/// <summary>A model a user saved (an ONNX file from <c>np export</c>, an ML.NET zip from <c>mlContext.Model.Save</c>, or a
/// checkpoint from <c>np train</c>), loaded to be checked against labelled data in the user's own test suite.</summary>
/// <example><code>
/// SavedModel.Load("model.onnx").Evaluate("mnist").AssertAccuracyAtLeast(0.95);
/// </code></example>
public sealed class SavedModel : IDisposable
{
    private readonly Func<float[], int, float[]> _score;
    private readonly IDisposable? _owned;

    private SavedModel(string path, string format, int inputLength, int[]? inputShape, ModelCard? card,
        Func<float[], int, float[]> score, IDisposable? owned)
    {
        Path = path; Format = format; InputLength = inputLength; InputShape = inputShape; Card = card;
        _score = score; _owned = owned;
    }

    public string Path { get; }

    /// <summary>"onnx", "mlnet" or "checkpoint".</summary>
    public string Format { get; }

    /// <summary>Values the model reads per example.</summary>
    public int InputLength { get; }

    /// <summary>The per-example shape, when the model records one (ONNX and checkpoints).</summary>
    public int[]? InputShape { get; }

    public ModelCard? Card { get; }

    /// <summary>Opens a model by its content: an ONNX protobuf, an ML.NET zip or a NeuralPipelines checkpoint.</summary>
    /// <exception cref="InvalidDataException">The file is none of those, or is truncated or corrupt; the message names it.</exception>
    public static SavedModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file.", path);
        var head = new byte[8];
        using (var f = File.OpenRead(path)) f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (CheckpointFile.StartsWithMagic(head)) return FromCheckpoint(path);
        if (head.AsSpan().StartsWith("PK"u8)) return FromMlNetZip(path);
        return FromOnnx(path);
    }

    private static SavedModel FromOnnx(string path)
    {
        var scorer = OnnxScorer.Load(path, new OnnxScorerOptions { Log = _ => { } });
        return new SavedModel(path, "onnx", scorer.InputLength, scorer.InputShape, scorer.Card, (x, n) => scorer.Score(x, n), scorer);
    }

    private static SavedModel FromCheckpoint(string path)
    {
        var (ck, state) = ClassifierCheckpoint.Load(path);
        var card = ModelCard.FromModel(ck, state);
        int length = card.InputLength;
        var gate = new object();
        float[] Score(float[] x, int n)
        {
            var input = (float[])x.Clone();
            if (ck.Normalization is { } norm)
                for (int i = 0; i < n; i++) norm.Apply(input.AsSpan(i * length, length), ck.InputShape[0]);
            lock (gate) // layers keep their activations between calls
            {
                var y = ck.Network.Forward(new Tensor(input, [n, .. ck.InputShape]), training: false);
                return y.Span.ToArray();
            }
        }
        return new SavedModel(path, "checkpoint", length, ck.InputShape, card, Score, null);
    }

    private static SavedModel FromMlNetZip(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            // ML.NET writes its transformer under TransformerChain/ or Model/; anything else is some other zip.
            if (!zip.Entries.Any(e => e.FullName.StartsWith("TransformerChain/", StringComparison.Ordinal) || e.FullName.StartsWith("Model/", StringComparison.Ordinal)))
                throw new InvalidDataException($"{path}: a zip file, but not an ML.NET model (it has no TransformerChain/ or Model/ entries).");
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: not a readable zip file ({e.Message}).", e);
        }

        var ml = new MLContext(seed: 0);
        ITransformer model;
        DataViewSchema schema;
        try { model = ml.Model.Load(path, out schema); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: ML.NET cannot load this model zip ({FirstLine(e.Message)}).", e);
        }
        var vectors = schema.Where(c => c.Type is VectorDataViewType).ToArray();
        if (vectors.Length != 1)
            throw new InvalidDataException($"{path}: the model's input should have one vector column of pixels; it has {string.Join(", ", schema.Select(c => $"{c.Name} ({c.Type})"))}.");
        var column = vectors[0];
        var type = (VectorDataViewType)column.Type;
        if (type.ItemType != NumberDataViewType.Single || type.Size <= 0)
            throw new InvalidDataException($"{path}: the model's input column '{column.Name}' is {column.Type}; images are given as a known-size vector of Single.");
        int width = type.Size;
        var definition = SchemaDefinition.Create(typeof(PixelRow));
        definition[0].ColumnName = column.Name;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        float[] Score(float[] x, int n)
        {
            var rows = Enumerable.Range(0, n).Select(i => new PixelRow { Pixels = x[(i * width)..((i + 1) * width)] });
            var scored = model.Transform(ml.Data.LoadFromEnumerable(rows, definition));
            var score = scored.Schema.GetColumnOrNull(OnnxModelColumns.Score)
                ?? throw new InvalidDataException($"{path}: the model writes no '{OnnxModelColumns.Score}' column (it writes {string.Join(", ", scored.Schema.Select(c => c.Name))}).");
            if (score.Type is not VectorDataViewType { ItemType: var item } || item != NumberDataViewType.Single)
                throw new InvalidDataException($"{path}: the model's '{OnnxModelColumns.Score}' column is {score.Type}, not a vector of Single.");
            return scored.GetColumn<VBuffer<float>>(score).SelectMany(v => v.DenseValues()).ToArray();
        }
        return new SavedModel(path, "mlnet", width, null, null, Score, null);
    }

    /// <summary>Scores the test split of a dataset the catalog knows: "mnist" (shipped), "fashion-mnist", or a folder of IDX files.</summary>
    public ModelEvaluation Evaluate(string dataset, int? limit = null)
    {
        if (limit < 1) throw new ArgumentException($"The limit on test images must be at least 1, got {limit}.");
        var split = new DatasetCatalog().LoadImages(dataset);
        var test = limit is int n ? split.Test.Take(n) : split.Test;
        return Evaluate(test);
    }

    /// <summary>Scores labelled images and compares the predicted class (the largest score) with each label.</summary>
    /// <exception cref="ArgumentException">The images do not have the shape the model reads; the message names both.</exception>
    public ModelEvaluation Evaluate(LabelledImages data, int batchSize = 256)
    {
        if (data.Count == 0) throw new ArgumentException($"{data.Source}: the test split is empty; there is nothing to validate {Path} on.");
        int[] dataShape = [data.Channels, data.Height, data.Width];
        if (InputShape is not null ? !InputShape.AsSpan().SequenceEqual(dataShape) : InputLength != data.ImageLength)
            throw new ArgumentException(
                $"{Path} takes inputs of shape {(InputShape is null ? $"[{InputLength}]" : Tensor.ShapeText(InputShape))} but {data.Source} has images of shape {Tensor.ShapeText(dataShape)} ({data.ImageLength} values).");

        int classes = Card?.ClassLabels?.Count ?? data.Classes;
        var confusion = Enumerable.Range(0, Math.Max(classes, data.Classes)).Select(_ => new int[Math.Max(classes, data.Classes)]).ToArray();
        int correct = 0;
        double logLoss = 0;
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, data.Count - start);
            var scores = _score(data.Pixels[(start * data.ImageLength)..((start + n) * data.ImageLength)], n);
            if (scores.Length != n * classes)
                throw new InvalidDataException($"{Path} gives {scores.Length / Math.Max(n, 1)} scores per image but {data.Source} has {classes} classes.");
            for (int i = 0; i < n; i++)
            {
                var row = scores.AsSpan(i * classes, classes);
                int predicted = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row), actual = data.Labels[start + i];
                confusion[actual][predicted]++;
                if (predicted == actual) correct++;
                logLoss -= Math.Log(Math.Max(row[actual], 1e-15f));
            }
        }
        clock.Stop();
        double? recorded = Card?.Metrics is { } m && m.TryGetValue("test_accuracy", out double acc) ? acc : null;
        return new ModelEvaluation
        {
            Model = Path,
            Dataset = data.Source,
            Count = data.Count,
            Correct = correct,
            ClassLabels = Card?.ClassLabels ?? Enumerable.Range(0, confusion.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(),
            Confusion = confusion,
            // ONNX and ML.NET models answer probabilities; a checkpoint's network answers logits.
            LogLoss = Format == "checkpoint" ? null : logLoss / Math.Max(data.Count, 1),
            Seconds = clock.Elapsed.TotalSeconds,
            RecordedAccuracy = recorded,
        };
    }

    public void Dispose() => _owned?.Dispose();

    private static string FirstLine(string message) =>
        message.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? message;

    private sealed class PixelRow
    {
        public float[] Pixels { get; set; } = [];
    }
}
