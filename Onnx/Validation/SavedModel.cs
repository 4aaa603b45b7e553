using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.IO;
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
    private readonly Func<float[], int, float[]>? _score;
    private readonly IDisposable? _owned;
    private readonly MlNetPipeline? _mlnet;
    // Set by Dispose: scoring with a released ONNX Runtime session or ML.NET transformer would crash the process.
    private bool _disposed;

    private SavedModel(string path, string format, int inputLength, int[]? inputShape, ModelCard? card,
        Func<float[], int, float[]>? score, IDisposable? owned, MlNetPipeline? mlnet = null)
    {
        Path = path; Format = format; InputLength = inputLength; InputShape = inputShape; Card = card;
        _score = score; _owned = owned; _mlnet = mlnet;
    }

    /// <summary>A loaded ML.NET zip: the context it was loaded with, the transformer and the schema it was saved with.</summary>
    private sealed record MlNetPipeline(ScopedMLContext Scope, ITransformer Model, DataViewSchema InputSchema, string? VectorColumn)
    {
        public MLContext Ml => Scope.Context;
    }

    public string Path { get; }

    /// <summary>"onnx", "mlnet" or "checkpoint".</summary>
    public string Format { get; }

    /// <summary>Values the model reads per example (0 for an ML.NET pipeline over named scalar columns).</summary>
    public int InputLength { get; }

    /// <summary>The per-example shape, when the model records one (ONNX and checkpoints).</summary>
    public int[]? InputShape { get; }

    public ModelCard? Card { get; }

    /// <summary>Opens a model by its content: an ONNX protobuf, an ML.NET zip or a NeuralPipelines checkpoint.</summary>
    /// <exception cref="InvalidDataException">The file is none of those, or is truncated or corrupt; the message names it.</exception>
    public static SavedModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
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

        // Every entry against its CRC-32 first: ML.NET would load a flipped weight without a word.
        ZipIntegrity.Verify(path, "an ML.NET model file");
        var scope = new ScopedMLContext(seed: 0);
        try { return LoadMlNetPipeline(path, scope); }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    private static SavedModel LoadMlNetPipeline(string path, ScopedMLContext scope)
    {
        var ml = scope.Context;
        ITransformer model;
        DataViewSchema schema;
        try { model = MlNetOnnxLoads.LoadModel(ml, path, out schema); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: ML.NET cannot load this model zip ({FirstLine(e.Message)}).", e);
        }
        var card = MlNetZip.ReadCard(path);
        // A model over one vector of Single (an image or any fixed-width row) also scores flat rows, as ONNX models do;
        // one over named scalar columns (a tabular pipeline) is evaluated on tables only.
        var vectors = schema.Where(c => !c.IsHidden && c.Type is VectorDataViewType).ToArray();
        if (vectors.Length == 0)
            return new SavedModel(path, "mlnet", card?.InputLength ?? 0, card?.InputShape, card, null, null, new MlNetPipeline(scope, model, schema, null));
        if (vectors.Length != 1)
            throw new InvalidDataException($"{path}: the model's input should have one vector column (of pixels, or features); it has {string.Join(", ", schema.Select(c => $"{c.Name} ({c.Type})"))}.");
        var column = vectors[0];
        if (column.Type is not VectorDataViewType { Size: > 0, ItemType: var item } || item != NumberDataViewType.Single)
            throw new InvalidDataException($"{path}: the model's input column '{column.Name}' is {column.Type}; images and feature rows are given as a known-size vector of Single.");
        int width = ((VectorDataViewType)column.Type).Size;
        var definition = SchemaDefinition.Create(typeof(PixelRow));
        definition[0].ColumnName = column.Name;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        float[] Score(float[] x, int n)
        {
            var rows = Enumerable.Range(0, n).Select(i => new PixelRow { Pixels = x[(i * width)..((i + 1) * width)] });
            var scored = model.Transform(ml.Data.LoadFromEnumerable(rows, definition));
            return TabularColumns.ClassScores(scored, path).SelectMany(r => r).ToArray();
        }
        int[]? shape = card?.InputLength == width ? card.InputShape : null;
        return new SavedModel(path, "mlnet", width, shape, card, Score, null, new MlNetPipeline(scope, model, schema, column.Name));
    }

    /// <summary>Scores the test split of a dataset the catalog knows: "mnist" (shipped), "fashion-mnist", or a folder of IDX files.</summary>
    public ModelEvaluation Evaluate(string dataset, int? limit = null)
    {
        ThrowIfDisposed();
        if (limit < 1) throw new ArgumentException($"The limit on test images must be at least 1, got {limit}.");
        var split = new DatasetCatalog().LoadImages(dataset);
        var test = limit is int n ? split.Test.Take(n) : split.Test;
        return Evaluate(test);
    }

    /// <summary>Scores labelled images and compares the predicted class (the largest score) with each label.</summary>
    /// <exception cref="ArgumentException">The images do not have the shape the model reads; the message names both.</exception>
    public ModelEvaluation Evaluate(LabelledImages data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        ThrowIfDisposed();
        if (data.Count == 0) throw new ArgumentException($"{data.Source}: the test split is empty; there is nothing to validate {Path} on.");
        var score = _score ?? throw new InvalidOperationException($"{Path} is an ML.NET pipeline over named columns, not an image model; evaluate it with EvaluateClassification or EvaluateRegression on a table.");
        int[] dataShape = [data.Channels, data.Height, data.Width];
        if (InputShape is not null ? !InputShape.AsSpan().SequenceEqual(dataShape) : InputLength != data.ImageLength)
            throw new ArgumentException(
                $"{Path} takes inputs of shape {(InputShape is null ? $"[{InputLength}]" : Tensor.ShapeText(InputShape))} but {data.Source} has images of shape {Tensor.ShapeText(dataShape)} ({data.ImageLength} values).");

        // The model says how many classes there are (its card, else the width of its scores), and every label must be one
        // of them: a label read from a damaged file (60,000, say) would otherwise size a 60,000² confusion matrix.
        int classes = Card?.ClassLabels?.Count ?? score(data.Pixels[..data.ImageLength], 1).Length;
        for (int i = 0; i < data.Count; i++)
            if ((uint)data.Labels[i] >= (uint)classes)
                throw new ArgumentException($"{data.LabelsSource}: image {i} has label {data.Labels[i]} but {Path} has {classes} classes (labels 0 to {classes - 1}).");
        var confusion = Enumerable.Range(0, classes).Select(_ => new int[classes]).ToArray();
        int correct = 0;
        double logLoss = 0;
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, data.Count - start);
            var scores = score(data.Pixels[(start * data.ImageLength)..((start + n) * data.ImageLength)], n);
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
            RecordedAccuracy = Recorded("test_accuracy"),
        };
    }

    private double? Recorded(string metric) => Card?.Metrics is { } m && m.TryGetValue(metric, out double v) ? v : null;

    /// <summary>Scores a labelled table and compares the predicted class (the largest score) with each row's label.</summary>
    /// <param name="data">The rows: the columns the model reads (an ML.NET pipeline's own input columns, or one vector / all
    /// Single columns for an ONNX model or checkpoint) and the label, as text, number, boolean or key.</param>
    /// <exception cref="InvalidDataException">A label names none of the model's classes, or the model is not a classifier.</exception>
    public ModelEvaluation EvaluateClassification(IDataView data, string labelColumnName = "Label", string? dataset = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(labelColumnName);
        ThrowIfDisposed();
        dataset ??= $"IDataView (label '{labelColumnName}')";
        var clock = Stopwatch.StartNew();
        var (scores, classes) = ClassScores(data, labelColumnName, dataset);
        var truth = new ClassMatcher(classes).IndicesOf(TabularColumns.LabelTexts(data, labelColumnName, dataset), dataset);
        if (truth.Length != scores.Length) throw new InvalidDataException($"{dataset}: {truth.Length} labels but {scores.Length} scored rows.");
        var confusion = Enumerable.Range(0, classes.Count).Select(_ => new int[classes.Count]).ToArray();
        int correct = 0;
        double logLoss = 0;
        for (int r = 0; r < scores.Length; r++)
        {
            if (scores[r].Length != classes.Count)
                throw new InvalidDataException($"{Path} gives {scores[r].Length} scores for row {r + 1} of {dataset} but has {classes.Count} classes.");
            if (scores[r].Any(float.IsNaN))
                throw new InvalidDataException($"{Path} scores row {r + 1} of {dataset} as NaN (is a feature cell empty or not a number?).");
            int predicted = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(scores[r]);
            confusion[truth[r]][predicted]++;
            if (predicted == truth[r]) correct++;
            logLoss -= Math.Log(Math.Max(scores[r][truth[r]], 1e-15f));
        }
        return new ModelEvaluation
        {
            Model = Path,
            Dataset = dataset,
            Count = scores.Length,
            Correct = correct,
            ClassLabels = classes,
            Confusion = confusion,
            LogLoss = Format == "checkpoint" ? null : logLoss / Math.Max(scores.Length, 1),
            Seconds = clock.Elapsed.TotalSeconds,
            RecordedAccuracy = Recorded("test_accuracy"),
        };
    }

    /// <summary>Reads a CSV with a header (features by name, the label in <paramref name="labelColumnName"/>) and evaluates it as a classification.</summary>
    public ModelEvaluation EvaluateClassification(string csvPath, string labelColumnName)
    {
        ArgumentNullException.ThrowIfNull(csvPath);
        ArgumentNullException.ThrowIfNull(labelColumnName);
        ThrowIfDisposed();
        return EvaluateClassification(ReadCsv(csvPath, labelColumnName), labelColumnName, csvPath);
    }

    /// <summary>Scores a labelled table with a regression model and measures R², RMSE and MAE against its numeric label.</summary>
    public RegressionEvaluation EvaluateRegression(IDataView data, string labelColumnName = "Label", string? dataset = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(labelColumnName);
        ThrowIfDisposed();
        dataset ??= $"IDataView (label '{labelColumnName}')";
        var clock = Stopwatch.StartNew();
        var labelTexts = TabularColumns.LabelTexts(data, labelColumnName, dataset);
        var labels = new double[labelTexts.Length];
        for (int r = 0; r < labels.Length; r++)
            if (!double.TryParse(labelTexts[r], NumberStyles.Float, CultureInfo.InvariantCulture, out labels[r]) || !double.IsFinite(labels[r]))
                throw new InvalidDataException($"{dataset}: row {r + 1}: the label '{labelTexts[r]}' is not a number.");
        double[] predictions;
        if (_mlnet is { } p)
        {
            var scored = p.Model.Transform(data);
            var score = scored.Schema.GetColumnOrNull("Score")
                ?? throw new InvalidDataException($"{Path} writes no 'Score' column (it writes {string.Join(", ", scored.Schema.Select(c => c.Name))}).");
            if (score.Type is VectorDataViewType { Size: > 1 } || scored.Schema.GetColumnOrNull("Probability") is not null)
                throw new InvalidDataException($"{Path} is a classifier (its Score is {score.Type}); evaluate it with EvaluateClassification.");
            predictions = TabularColumns.Numbers(scored, score);
        }
        else
        {
            var x = TabularColumns.FeatureRows(data, "Features", labelColumnName, InputLength, dataset, Path);
            var y = _score!(x, labels.Length);
            if (y.Length != labels.Length)
                throw new InvalidDataException($"{Path} gives {y.Length / Math.Max(labels.Length, 1)} values per row; a regression gives one.");
            predictions = y.Select(v => (double)v).ToArray();
        }
        int bad = Array.FindIndex(predictions, v => !double.IsFinite(v));
        if (bad >= 0) throw new InvalidDataException($"{Path} predicts {predictions[bad]} for row {bad + 1} of {dataset} (is a feature cell empty or not a number?).");
        return RegressionEvaluation.Of(Path, dataset, labels, predictions) with
        {
            Seconds = clock.Elapsed.TotalSeconds,
            RecordedRSquared = Recorded("test_r_squared"),
            RecordedRmse = Recorded("test_rmse"),
        };
    }

    /// <summary>Reads a CSV with a header and evaluates it as a regression on the numeric <paramref name="labelColumnName"/>.</summary>
    public RegressionEvaluation EvaluateRegression(string csvPath, string labelColumnName)
    {
        ArgumentNullException.ThrowIfNull(csvPath);
        ArgumentNullException.ThrowIfNull(labelColumnName);
        ThrowIfDisposed();
        return EvaluateRegression(ReadCsv(csvPath, labelColumnName), labelColumnName, csvPath);
    }

    /// <summary>The class scores of every row and the class names they are in the order of.</summary>
    private (float[][] Scores, IReadOnlyList<string> Classes) ClassScores(IDataView data, string labelColumn, string dataset)
    {
        if (_mlnet is { } p)
        {
            var scored = p.Model.Transform(data);
            var scores = TabularColumns.ClassScores(scored, Path);
            int k = scores.Length > 0 ? scores[0].Length : 0;
            var names = Card?.ClassLabels ?? TabularColumns.ClassNames(scored.Schema);
            return (scores, names is not null && names.Count == k ? names : Numbered(k));
        }
        var x = TabularColumns.FeatureRows(data, "Features", labelColumn, InputLength, dataset, Path);
        int n = x.Length / Math.Max(InputLength, 1);
        var flat = _score!(x, n);
        int classes = n == 0 ? Card?.ClassLabels?.Count ?? 0 : flat.Length / n;
        var rows = Enumerable.Range(0, n).Select(i => flat[(i * classes)..((i + 1) * classes)]).ToArray();
        return (rows, Card?.ClassLabels is { } labels && labels.Count == classes ? labels : Numbered(classes));
    }

    private static string[] Numbered(int count) => Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>A CSV as the view the model reads: an ML.NET pipeline's named scalar columns by name, or (for a model that
    /// reads one vector) every column but the label, in file order, as a vector named "Features"; the label as text.</summary>
    private IDataView ReadCsv(string csvPath, string labelColumn)
    {
        var header = CsvReader.ReadHeader(csvPath).ColumnNames;
        int labelIndex = Array.IndexOf(header, labelColumn);
        if (labelIndex < 0) throw new InvalidDataException($"{csvPath} has no label column '{labelColumn}' (its columns: {string.Join(", ", header)}).");
        var columns = new List<TextLoader.Column> { new(labelColumn, DataKind.String, labelIndex) };
        if (_mlnet is { VectorColumn: null } p)
        {
            foreach (var input in p.InputSchema.Where(c => !c.IsHidden && c.Name != labelColumn))
            {
                int index = Array.IndexOf(header, input.Name);
                if (index < 0) throw new InvalidDataException($"{csvPath} has no column '{input.Name}', which {Path} reads (the file's columns: {string.Join(", ", header)}).");
                if (input.Type != NumberDataViewType.Single)
                    throw new InvalidDataException($"{Path} reads '{input.Name}' as {input.Type}; a CSV gives it as Single. Evaluate it on an IDataView you build.");
                columns.Add(new TextLoader.Column(input.Name, DataKind.Single, index));
            }
        }
        else
        {
            var features = Enumerable.Range(0, header.Length).Where(i => i != labelIndex).ToArray();
            if (features.Length != InputLength)
                throw new InvalidDataException($"{Path} reads {InputLength} values per row but {csvPath} has {features.Length} columns besides the label '{labelColumn}'.");
            string name = _mlnet?.VectorColumn ?? "Features";
            columns.Add(new TextLoader.Column(name, DataKind.Single, features.Select(i => new TextLoader.Range(i)).ToArray()));
        }
        // A pipeline that reads its own label (MapValueToKey("Label") before a trainer) gets the file's label under that name.
        if (_mlnet is { } m)
        {
            var missing = m.InputSchema.Where(c => !c.IsHidden && !columns.Any(l => l.Name == c.Name)).ToArray();
            if (missing.Length > 1)
                throw new InvalidDataException($"{csvPath} lacks the columns {string.Join(", ", missing.Select(c => $"'{c.Name}'"))} that {Path} reads (the file's columns: {string.Join(", ", header)}).");
            if (missing is [var own])
            {
                var kind = own.Type == NumberDataViewType.Single ? DataKind.Single : own.Type is TextDataViewType ? DataKind.String
                    : own.Type is BooleanDataViewType ? DataKind.Boolean
                    : throw new InvalidDataException($"{Path} reads '{own.Name}' as {own.Type}, which {csvPath} cannot give; evaluate it on an IDataView you build.");
                columns.Add(new TextLoader.Column(own.Name, kind, labelIndex));
            }
        }
        var ml = _mlnet?.Ml ?? new MLContext(seed: 0);
        var loader = ml.Data.CreateTextLoader(columns.ToArray(), separatorChar: ',', hasHeader: true, allowQuoting: true, trimWhitespace: true);
        return loader.Load(csvPath);
    }

    /// <summary>Releases the model's session and temp folder; evaluating afterwards throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _owned?.Dispose();
        // ML.NET's transformers keep their copies of the model in the context's temp folder until it goes.
        (_mlnet?.Model as IDisposable)?.Dispose();
        _mlnet?.Scope.Dispose();
    }

    private void ThrowIfDisposed()
    {
        if (_disposed) throw new ObjectDisposedException(nameof(SavedModel), $"{Path}: the model has been disposed.");
    }

    private static string FirstLine(string message) =>
        message.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? message;

    private sealed class PixelRow
    {
        public float[] Pixels { get; set; } = [];
    }
}
