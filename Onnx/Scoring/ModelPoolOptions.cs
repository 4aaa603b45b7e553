namespace NeuralPipelines.Onnx.Scoring;

/// <summary>How a <see cref="ModelPool{TIn, TOut}"/> scores and when it reloads.</summary>
public sealed record ModelPoolOptions
{
    /// <summary>Score through one shared ONNX Runtime session when the model allows it (a NeuralPipelines classifier, and
    /// input/output classes that only hold its feature vector, Score and PredictedLabel); false always uses ML.NET
    /// PredictionEngines, one per concurrent caller.</summary>
    public bool PreferOnnxRuntime { get; init; } = true;

    /// <summary>The input member that holds the feature vector when the file is a bare ONNX model (a zip names its own).</summary>
    public string FeatureColumnName { get; init; } = "Features";

    /// <summary>Reload when the file is replaced or rewritten (as ML.NET's PredictionEnginePool does with watchForChanges).</summary>
    public bool WatchForChanges { get; init; } = true;

    /// <summary>With <see cref="WatchForChanges"/>, how often the pool also looks at the file itself (one stat of its identity,
    /// length and time), and reloads it if it changed. The watcher alone misses a file changed through a link above it: a
    /// release folder re-pointed (models/current → releases/v2) or a Kubernetes volume's swapped data folder leaves the
    /// folder it watches untouched. Zero or less: the watcher alone.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The ONNX Runtime session's settings. One thread per operator by default: a pool serves many callers at
    /// once, each with a single row, so parallelism comes from the callers rather than from inside one call.</summary>
    public OnnxScorerOptions Scorer { get; init; } = new() { IntraOpNumThreads = 1 };

    /// <summary>Where reloads and failed reloads are reported (one line each). Default: standard error.</summary>
    public Action<string>? Log { get; init; }
}
