using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.Scoring;

/// <summary>Scores rows with one ONNX Runtime session: CUDA when it can be loaded, otherwise the CPU (saying why, once);
/// rows go through in batches; one instance may be shared by any number of threads.</summary>
/// <remarks>
/// Thread safety: <see cref="InferenceSession"/>.Run is safe to call concurrently, and a call reads and writes only the
/// caller's own memory (pinned for the call), so the scorer holds no mutable state after construction.
/// </remarks>
public sealed unsafe class OnnxScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames, _outputNames;
    private readonly long[] _inputDims, _outputDims;
    // Only read by Run, so one instance serves every thread. Made after Open, which checks that the native runtime is there.
    private readonly RunOptions _runOptions;
    // Calls in flight, and whether Dispose has begun: a call on a freed native session is a use-after-free that kills
    // the process (SIGSEGV), so a call after Dispose is refused and Dispose waits for the calls already running.
    private int _calls, _disposed;

    public OnnxScorer(byte[] model, OnnxScorerOptions? options = null, string source = "ONNX model")
    {
        Options = options ?? new OnnxScorerOptions();
        if (Options.BatchSize is <= 0 or > OnnxScorerOptions.MostBatchSize)
            throw new ArgumentException($"The batch size must be 1 to {OnnxScorerOptions.MostBatchSize:N0}, got {Options.BatchSize}.");
        if (Options.IntraOpNumThreads is <= 0 or > OnnxScorerOptions.MostThreads || Options.InterOpNumThreads is <= 0 or > OnnxScorerOptions.MostThreads)
            throw new ArgumentException($"IntraOpNumThreads and InterOpNumThreads must be 1 to {OnnxScorerOptions.MostThreads:N0}, got {Options.IntraOpNumThreads} and {Options.InterOpNumThreads}.");
        Source = source;
        // Checksum, initializer sizes and finite weights, before ONNX Runtime sizes anything from the file.
        Integrity.OnnxIntegrity.Check(model, source);
        (_session, ExecutionProvider, FallbackReason) = Open(model, Options, source);
        try
        {
            if (_session.InputMetadata.Count != 1)
                throw new InvalidDataException($"{source}: the scorer needs a model with one input, this one has {_session.InputMetadata.Count} ({string.Join(", ", _session.InputMetadata.Keys)}).");
            var (inputName, input) = _session.InputMetadata.First();
            if (input.ElementDataType != TensorElementType.Float)
                throw new InvalidDataException($"{source}: input '{inputName}' holds {input.ElementDataType}, the scorer feeds float32.");
            var dims = input.Dimensions;
            if (dims.Length < 2 || dims[1..].Any(d => d <= 0))
                throw new InvalidDataException($"{source}: input '{inputName}' has shape [{string.Join(",", dims)}]; the scorer needs a batch axis followed by fixed sizes.");
            InputShape = dims[1..].ToArray();
            InputLength = ValuesPerRow(InputShape, "input", inputName, source);
            _inputNames = [inputName];
            _inputDims = [0, .. InputShape.Select(d => (long)d)];

            OutputName = Options.OutputName
                ?? (_session.OutputMetadata.ContainsKey(ModelCard.ProbabilitiesName) ? ModelCard.ProbabilitiesName : _session.OutputMetadata.Keys.First());
            if (!_session.OutputMetadata.TryGetValue(OutputName, out var output))
                throw new InvalidDataException($"{source}: there is no output '{OutputName}'; the model's outputs are {string.Join(", ", _session.OutputMetadata.Keys)}.");
            // Checked here, not at the first batch, where ONNX Runtime's refusal would not name the file.
            if (output.ElementDataType != TensorElementType.Float)
                throw new InvalidDataException($"{source}: output '{OutputName}' holds {output.ElementDataType}, the scorer reads float32.");
            var outDims = output.Dimensions;
            if (outDims.Length < 2 || outDims[1..].Any(d => d <= 0))
                throw new InvalidDataException($"{source}: output '{OutputName}' has shape [{string.Join(",", outDims)}]; the scorer needs a batch axis followed by fixed sizes.");
            OutputLength = ValuesPerRow(outDims[1..], "output", OutputName, source);
            _outputDims = outDims[1..].Select(d => (long)d).ToArray();
            _outputNames = [OutputName];
            // A batch's inputs, and its outputs, are each one array (a chunk of BatchScorer's, a request's rows).
            int fits = Array.MaxLength / Math.Max(InputLength, OutputLength);
            if (Options.BatchSize > fits)
                throw new ArgumentException($"{source}: a batch of {Options.BatchSize:N0} rows of {InputLength:N0} values does not fit in one array; the batch size must be at most {fits:N0} for this model.");

            var props = _session.ModelMetadata.CustomMetadataMap;
            Card = props.ContainsKey("input_shape") ? ModelCard.FromProperties(props.AsReadOnly(), source) : null;
        }
        catch
        {
            _session.Dispose();
            throw;
        }
        _runOptions = new RunOptions();
    }

    /// <summary>Opens an ONNX file, or the ONNX model inside an ML.NET zip that this project saved (the network's
    /// <c>mlContext.Model.Save</c>, <c>np export --zip</c>); a missing, truncated or corrupt file raises an exception naming it.</summary>
    /// <exception cref="InvalidDataException">The file is not ONNX, or is a zip with no NeuralPipelines ONNX model inside.</exception>
    public static OnnxScorer Load(string path, OnnxScorerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        // Neutral words: the path may be meant as an ONNX file, an ML.NET zip or (through ScoringModel) a checkpoint.
        if (Directory.Exists(path)) throw new FileNotFoundException($"{path}: is a folder, not a model file.", path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file.", path);
        if (!MlNet.MlNetZip.LooksLikeZip(path)) return new OnnxScorer(Integrity.OnnxFileBytes.Read(path), options, path);
        var models = MlNet.MlNetZip.OnnxModels(path);
        var onnx = MlNet.MlNetZip.NeuralPipelinesOnnx(path) ?? (models.Count == 1 ? models[0] : null)
            ?? throw new InvalidDataException(models.Count == 0
                ? $"{path}: an ML.NET model zip with no ONNX model inside (a pipeline of ML.NET's own trainers); score it with a ModelPool or a PredictionEngine."
                : $"{path}: the ML.NET model zip holds {models.Count} ONNX models and none was exported by NeuralPipelines; the scorer cannot tell which one to run.");
        return new OnnxScorer(onnx, options, path);
    }

    public OnnxScorerOptions Options { get; }

    public string Source { get; }

    /// <summary>"CUDA" or "CPU": where this session runs.</summary>
    public string ExecutionProvider { get; }

    /// <summary>Why CUDA was not used (null when it was, or when it was not asked for).</summary>
    public string? FallbackReason { get; }

    /// <summary>The per-example input shape (batch axis excluded).</summary>
    public int[] InputShape { get; }

    public int InputLength { get; }

    public string OutputName { get; }

    /// <summary>Values per row in the output (the number of classes for a classifier).</summary>
    public int OutputLength { get; }

    /// <summary>The NeuralPipelines model card, when the model carries one.</summary>
    public ModelCard? Card { get; }

    /// <summary>The product of a row's sizes, refused when it overflows an int (it would wrap to a wrong, small length).</summary>
    private static int ValuesPerRow(int[] sizes, string kind, string name, string source)
    {
        long values = 1;
        foreach (int d in sizes)
        {
            values *= d;
            if (values > int.MaxValue)
                throw new InvalidDataException($"{source}: {kind} '{name}' has shape [{string.Join(",", sizes)}] per row, more than {int.MaxValue:N0} values; the scorer cannot hold one row.");
        }
        return (int)values;
    }

    /// <summary>Scores <paramref name="count"/> rows laid out one after another; returns count × <see cref="OutputLength"/> values.</summary>
    public float[] Score(ReadOnlySpan<float> rows, int count)
    {
        // Before the result is sized: a negative count would otherwise surface as an OverflowException.
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"{Source}: the row count must not be negative.");
        var result = new float[(long)count * OutputLength];
        Score(rows, count, result);
        return result;
    }

    /// <summary>Scores into a caller-owned span (count × <see cref="OutputLength"/>).</summary>
    public void Score(ReadOnlySpan<float> rows, int count, Span<float> output)
    {
        Enter();
        try { Run(rows, count, output); }
        finally { Interlocked.Decrement(ref _calls); }
    }

    private void Run(ReadOnlySpan<float> rows, int count, Span<float> output)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"{Source}: the row count must not be negative.");
        if (rows.Length != (long)count * InputLength)
            throw new ArgumentException(
                $"{Source}: {count} rows of shape {Tensor.ShapeText(InputShape)} need {(long)count * InputLength} values, but {rows.Length} were given.");
        if (output.Length < (long)count * OutputLength)
            throw new ArgumentException($"{Source}: the output span holds {output.Length} values; {count} rows need {(long)count * OutputLength}.");

        int batch = Math.Min(Options.BatchSize, Math.Max(count, 1));
        // The caller's memory is handed to ONNX Runtime as it is (pinned for the call): no copy in, and the output
        // is written straight into the caller's span. Nothing is shared between calls, so threads never meet.
        fixed (float* input = rows)
        fixed (float* result = output)
        {
            for (int start = 0; start < count; start += batch)
            {
                int n = Math.Min(batch, count - start);
                var inDims = (long[])_inputDims.Clone();
                inDims[0] = n;
                using var x = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, inDims,
                    (IntPtr)(input + (long)start * InputLength), (long)n * InputLength * sizeof(float));
                using var y = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, [n, .. _outputDims],
                    (IntPtr)(result + (long)start * OutputLength), (long)n * OutputLength * sizeof(float));
                try { _session.Run(_runOptions, _inputNames, [x], _outputNames, [y]); }
                catch (OnnxRuntimeException e)
                {
                    // ONNX Runtime's words name neither the model nor the batch; a caller scoring many files needs both.
                    throw new InvalidDataException($"{Source}: ONNX Runtime could not score rows {start} to {start + n - 1} ({FirstLine(e.Message)}).", e);
                }
            }
        }
    }

    /// <summary>The index of the largest output of each row (the predicted class).</summary>
    public int[] Predict(ReadOnlySpan<float> rows, int count)
    {
        var scores = Score(rows, count);
        var classes = new int[count];
        for (int i = 0; i < count; i++) classes[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(scores.AsSpan(i * OutputLength, OutputLength));
        return classes;
    }

    /// <summary>Releases the session once the calls already running have returned; later calls throw
    /// <see cref="ObjectDisposedException"/>. Calling it again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        SpinWait.SpinUntil(() => Volatile.Read(ref _calls) == 0);
        _session.Dispose();
        _runOptions.Dispose();
    }

    private void Enter()
    {
        // Counted before the check (both are full fences), so Dispose either sees this call or the call sees Dispose.
        Interlocked.Increment(ref _calls);
        if (Volatile.Read(ref _disposed) == 0) return;
        Interlocked.Decrement(ref _calls);
        throw new ObjectDisposedException(nameof(OnnxScorer), $"{Source}: the scorer has been disposed.");
    }

    private static readonly object EnvLogGate = new();

    private static (InferenceSession, string, string?) Open(byte[] model, OnnxScorerOptions options, string source)
    {
        OnnxRuntimeNative.EnsureLoaded();
        string? reason = null;
        if (options.PreferCuda)
        {
            var cuda = NewOptions(options);
            // ONNX Runtime prints its own multi-line error when the provider library fails to load; we report the
            // reason ourselves in one line, so its environment logger is quietened for the attempt.
            lock (EnvLogGate)
            {
                var env = OrtEnv.Instance();
                var level = env.EnvLogLevel;
                env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
                try
                {
                    cuda.AppendExecutionProvider_CUDA(options.CudaDeviceId);
                    return (new InferenceSession(model, cuda), "CUDA", null);
                }
                catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
                {
                    reason = FirstLine(e.Message);
                }
                finally
                {
                    env.EnvLogLevel = level;
                    // The session keeps what it needs of its options (as on the CPU below): they are freed whether or
                    // not CUDA loaded, where only the failure freed them before and a CUDA session's waited for the finalizer.
                    cuda.Dispose();
                }
            }
        }
        var cpu = NewOptions(options);
        try
        {
            var session = new InferenceSession(model, cpu);
            if (reason is not null)
                (options.Log ?? Console.Error.WriteLine)(
                    $"ONNX Runtime's CUDA execution provider could not be loaded ({reason}); scoring {source} on the CPU with {options.IntraOpNumThreads} thread{(options.IntraOpNumThreads == 1 ? "" : "s")}.");
            return (session, "CPU", reason);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{source}: not a readable ONNX model ({FirstLine(e.Message)}).", e);
        }
        finally { cpu.Dispose(); }
    }

    private static SessionOptions NewOptions(OnnxScorerOptions o)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = o.IntraOpNumThreads,
            InterOpNumThreads = o.InterOpNumThreads,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // ONNX Runtime's warnings (an old opset, a declared shape it corrects) went to stderr as coloured multi-line
            // text beside our one line; its errors still reach the caller as exceptions, which name the model.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (!o.AllowSpinning)
        {
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        }
        return options;
    }

    private static string FirstLine(string message)
    {
        var line = message.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? message;
        return line.Trim();
    }
}
