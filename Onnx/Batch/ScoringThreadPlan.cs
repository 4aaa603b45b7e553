using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>How a batch run spends its threads on ONNX Runtime (the one place <c>np score --threads</c> is turned into a
/// session and callers): on the CPU, a caller per thread, each running whole batches on one intra-op thread; on CUDA, one
/// caller (the GPU runs the batches; more callers would only queue on it).</summary>
/// <remarks>Why callers rather than intra-op threads: with intra-op threads, both cores work on every operator of one batch
/// and wait for each other at its end, with no spinning (the scorer's default) a sleep and a wake-up each time, and the
/// reader or writer taking a core makes the other one wait too. Callers on their own batches never wait for each other.
/// On the busy machine the two arrangements could not be told apart beyond the noise (docs/BENCHMARKS.md, "np score: a
/// caller per core instead of intra-op threads"); <c>score-race --intra-op-too</c> races them side by side.</remarks>
public static class ScoringThreadPlan
{
    /// <summary>The scorer's options for a batch run, whatever its thread count: one intra-op thread for each caller.</summary>
    public static OnnxScorerOptions Session(OnnxScorerOptions options) =>
        options with { IntraOpNumThreads = 1 };

    /// <summary>The threads that call <paramref name="scorer"/> at once: <paramref name="threads"/> on the CPU, one on CUDA.</summary>
    public static int Callers(OnnxScorer scorer, int threads) =>
        scorer.ExecutionProvider == "CPU" ? Math.Max(1, threads) : 1;
}
