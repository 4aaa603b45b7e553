using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;
using NeuralPipelines.Onnx.MlNet;

namespace NeuralPipelines.Onnx.Scoring;

/// <summary>A thread-safe, typed prediction service over a saved model (an ML.NET zip or an ONNX file) for apps that
/// serve many requests at once: call <see cref="Predict(TIn)"/> from any thread. It reloads the file when it changes.</summary>
/// <remarks>
/// A NeuralPipelines classifier is scored through one shared ONNX Runtime session (<see cref="OnnxScorer"/>: no copy per
/// thread, and <see cref="Predict(IReadOnlyList{TIn})"/> scores a list as one batch), provided that the ML.NET pipeline in
/// the zip gives the same answers on a few probe rows; anything else (ML.NET's own trainers, extra output columns) goes
/// through ML.NET PredictionEngines, one per concurrent caller, never shared. Register it in ASP.NET Core with
/// <see cref="ModelPoolServiceCollectionExtensions.AddModelPool{TIn, TOut}"/>.
/// </remarks>
public sealed class ModelPool<TIn, TOut> : IDisposable where TIn : class, new() where TOut : class, new()
{
    private readonly ModelPoolOptions _options;
    private readonly object _reloadGate = new();
    private readonly FileChangeWatch? _watch;
    private PoolGeneration<TIn, TOut> _current;
    // The version of the file that last failed to load: it is reported once, not at every poll, until the file changes.
    private FileStamp? _failed;
    private int _generation;
    private bool _disposed;

    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a model, or the model cannot read <typeparamref name="TIn"/>; the message names it.</exception>
    public ModelPool(string path, ModelPoolOptions? options = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        _options = options ?? new ModelPoolOptions();
        if (!File.Exists(Path)) throw new FileNotFoundException($"{Path}: no such model file.", Path);
        _current = Open();
        if (!_options.WatchForChanges) return;
        try { _watch = new FileChangeWatch(Path, _options.PollInterval, () => ReloadIfChanged()); }
        catch
        {
            // The watcher could not start (inotify's limit on watches, say): the model opened above is not left behind.
            _current.Release();
            throw;
        }
    }

    public string Path { get; }

    /// <summary>"onnx-runtime" or "prediction-engine": how the current model is scored.</summary>
    public string Backend => Volatile.Read(ref _current).Backend;

    /// <summary>0 for the model opened first, one more after each reload.</summary>
    public int Generation => Volatile.Read(ref _generation);

    public TOut Predict(TIn example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var model = Acquire();
        try { return model.Predict(example); }
        finally { model.Release(); }
    }

    /// <summary>Predicts a list with one model version (on the ONNX path, in one batched call).</summary>
    public TOut[] Predict(IReadOnlyList<TIn> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        // Checked here for both paths, which would otherwise fail deep inside reflection or ML.NET without the index.
        for (int i = 0; i < examples.Count; i++)
            if (examples[i] is null) throw new ArgumentNullException(nameof(examples), $"{Path}: example {i} of {examples.Count} is null.");
        var model = Acquire();
        try { return model.Predict(examples); }
        finally { model.Release(); }
    }

    /// <summary>Reloads the file if it changed since it was last loaded; a file that does not load (half-written by a
    /// writer that does not rename into place, or broken) leaves the current model serving and is reported, once for
    /// each version of the file.</summary>
    /// <returns>Whether a new model version now serves.</returns>
    public bool ReloadIfChanged()
    {
        lock (_reloadGate)
        {
            var stamp = FileStamp.Of(Path);
            if (_disposed || stamp == _current.Stamp || stamp == _failed) return false;
            PoolGeneration<TIn, TOut> next;
            try { next = Open(); }
            // Any failure: this also runs on the watcher's timer thread, where an exception would end the process.
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _failed = stamp;
                Log($"{Path} changed but could not be loaded ({e.Message}); the previous model keeps serving.");
                return false;
            }
            _failed = null;
            var previous = Interlocked.Exchange(ref _current, next);
            Interlocked.Increment(ref _generation);
            previous.Release();
            Log($"reloaded {Path} (generation {Generation}, {next.Backend}).");
            return true;
        }
    }

    public void Dispose()
    {
        lock (_reloadGate)
        {
            if (_disposed) return;
            _disposed = true;
            _watch?.Dispose();
            _current.Release();
        }
    }

    private PoolGeneration<TIn, TOut> Acquire()
    {
        while (true)
        {
            var model = Volatile.Read(ref _current);
            if (model.TryAcquire()) return model;
            // Released between the read and the hold: either a reload swapped it (read again) or the pool is disposed.
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        }
    }

    private void Log(string line) => (_options.Log ?? Console.Error.WriteLine)(line);

    private PoolGeneration<TIn, TOut> Open()
    {
        // Each generation's context keeps ML.NET's copies of its model; a reload must not leave the last one's behind.
        var scope = new ScopedMLContext(seed: 0);
        try { return Open(scope); }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    /// <summary>Opens the file's model with <paramref name="scope"/>, which the generation returned owns (or which is disposed
    /// here when the ML.NET pipeline was needed only to check the ONNX Runtime path).</summary>
    private PoolGeneration<TIn, TOut> Open(ScopedMLContext scope)
    {
        var stamp = FileStamp.Of(Path);
        var ml = scope.Context;
        ml.ComponentCatalog.RegisterAssembly(typeof(OnnxTransformer).Assembly);
        ITransformer model;
        DataViewSchema schema;
        byte[]? onnx;
        string featureColumn;
        if (MlNetZip.LooksLikeZip(Path))
        {
            // Every entry against its CRC-32 first: ML.NET would load a flipped weight without a word.
            NeuralPipelines.Data.IO.ZipIntegrity.Verify(Path, "an ML.NET model file");
            try { model = MlNetOnnxLoads.LoadModel(ml, Path, out schema); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"{Path}: ML.NET cannot load this model zip ({e.Message.ReplaceLineEndings(" ")}).", e);
            }
            onnx = _options.PreferOnnxRuntime ? MlNetZip.NeuralPipelinesOnnx(Path) : null;
            var vectors = schema.Where(c => !c.IsHidden && c.Type is VectorDataViewType { Size: > 0 } v && v.ItemType == NumberDataViewType.Single).ToArray();
            featureColumn = vectors.Length == 1 ? vectors[0].Name : _options.FeatureColumnName;
        }
        else
        {
            onnx = Integrity.OnnxFileBytes.Read(Path);
            featureColumn = _options.FeatureColumnName;
            var card = OnnxModelInfo.Card(onnx, Path)
                ?? throw new InvalidDataException($"{Path}: an ONNX model without a NeuralPipelines card; the pool serves models exported by NeuralPipelines or ML.NET zips.");
            // A colorizer or a generator has no class probabilities to serve; said by name rather than by a missing output.
            if (card.Colorizer is not null || card.Generator is not null)
                throw new InvalidDataException($"{Path}: the ONNX model is a {(card.Colorizer is not null ? "colorizer" : "generator")} ({card.Architecture}); the pool serves classifiers.");
            // The same ML.NET pipeline the network's zip holds, so both paths answer alike.
            var empty = EmptyFeatureView.Create(ml, featureColumn, card.InputLength);
            model = OnnxModelEstimators.Create(ml, onnx, featureColumn).Fit(empty);
            schema = empty.Schema;
        }
        // The bare ONNX file's bytes are read either way (they build the pipeline); the option decides the path for both kinds.
        if (onnx is not null && _options.PreferOnnxRuntime)
        {
            var fast = OnnxRuntimeGeneration<TIn, TOut>.TryCreate(onnx, featureColumn, _options.Scorer, stamp, Path, out _);
            if (fast is not null && AgreesWithPipeline(fast, ml, model, schema, featureColumn))
            {
                (model as IDisposable)?.Dispose();
                scope.Dispose();
                return fast;
            }
            fast?.Release();
        }
        try { return new PredictionEngineGeneration<TIn, TOut>(scope, model, schema, stamp, Path); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{Path}: the model cannot score {typeof(TIn).Name} into {typeof(TOut).Name} ({e.Message.ReplaceLineEndings(" ")}).", e);
        }
    }

    /// <summary>Whether the ONNX path gives what the ML.NET pipeline gives on a few rows (nothing in the zip transforms the
    /// features before the network, say); the pool only takes the fast path when it does.</summary>
    private static bool AgreesWithPipeline(OnnxRuntimeGeneration<TIn, TOut> fast, MLContext ml, ITransformer model, DataViewSchema schema, string featureColumn)
    {
        if (schema.GetColumnOrNull(featureColumn) is not { Type: VectorDataViewType { Size: > 0 and var width } }) return false;
        var random = new Random(12345);
        float[][] probes = [new float[width], Enumerable.Repeat(0.5f, width).ToArray(), Enumerable.Range(0, width).Select(_ => (float)random.NextDouble()).ToArray()];
        var features = TypedColumns.Of(typeof(TIn))[featureColumn];
        var rows = probes.Select(p => { var row = new TIn(); TypedColumns.Set(features, row, p); return row; }).ToArray();
        try
        {
            var scored = model.Transform(ml.Data.LoadFromEnumerable(rows, TypedColumns.Sized<TIn>(schema)));
            var expected = scored.GetColumn<float[]>(OnnxModelColumns.Score).ToArray();
            var keys = scored.GetColumn<uint>(OnnxModelColumns.PredictedLabel).ToArray();
            for (int i = 0; i < rows.Length; i++)
            {
                var direct = fast.Scores(probes[i]);
                if (direct.Length != expected[i].Length) return false;
                for (int k = 0; k < direct.Length; k++)
                    if (!(Math.Abs(direct[k] - expected[i][k]) <= 1e-5f)) return false;
                if (keys[i] != (uint)System.Numerics.Tensors.TensorPrimitives.IndexOfMax(direct) + 1) return false;
            }
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidCastException)
        {
            return false;
        }
    }
}
