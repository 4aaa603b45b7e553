namespace NeuralPipelines.Onnx.Scoring;

/// <summary>How an <see cref="OnnxScorer"/> runs: device, threads, batch size and where its one log line goes.</summary>
public sealed record OnnxScorerOptions
{
    /// <summary>Ask for the CUDA execution provider first (the default); false goes straight to the CPU.</summary>
    public bool PreferCuda { get; init; } = true;

    public int CudaDeviceId { get; init; }

    /// <summary>Threads ONNX Runtime uses inside one operator (a Gemm, a Conv). Explicit rather than ORT's guess,
    /// so that scoring shares the machine predictably with the caller's own threads.</summary>
    public int IntraOpNumThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>The most threads <see cref="IntraOpNumThreads"/> and <see cref="InterOpNumThreads"/> may ask for: far above
    /// any machine's cores, yet a typo (100000) is refused rather than hanging ONNX Runtime while it starts that many.</summary>
    public const int MostThreads = 1024;

    /// <summary>Threads across independent operators; our graphs are chains, so one is enough.</summary>
    public int InterOpNumThreads { get; init; } = 1;

    /// <summary>Whether ONNX Runtime's worker threads spin while waiting for work. Off by default: spinning saves a few
    /// microseconds per operator on an idle machine, but where other work competes for the cores the spinning threads take
    /// them from the thread that has the work (measured: 2.4× slower at 2 threads on a busy 2-core machine, see docs/ONNX.md).</summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Rows per ONNX Runtime call.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>The largest <see cref="BatchSize"/>, far past where larger calls stop paying (the weights are read once per
    /// call either way); a model with large rows may allow fewer (a batch's inputs must fit in one array, see
    /// <see cref="OnnxScorer"/>).</summary>
    public const int MostBatchSize = 1 << 16;

    /// <summary>The output to read; null picks <c>probabilities</c> when the model has it, else its first output.</summary>
    public string? OutputName { get; init; }

    /// <summary>Where the scorer reports a CUDA → CPU fallback (one line). Default: standard error.</summary>
    public Action<string>? Log { get; init; }
}
