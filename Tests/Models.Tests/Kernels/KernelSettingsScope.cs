using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>Captures the kernels' process-wide thread settings (<see cref="Gemm.Threads"/>,
/// <see cref="Gemm.ParallelThreshold"/>, <see cref="Gemm.AdaptToLoad"/>, <see cref="KernelLoop.MaxThreads"/>), sets the
/// ones given, and puts every captured value back on <see cref="Dispose"/>, even when the test body throws.</summary>
/// <remarks>Why: the settings are static, so a test that left <see cref="Gemm.Threads"/> at 2 or the threshold at 1
/// would change how every later test in the process runs (and <see cref="KernelLoopTests"/> checks the defaults).
/// Restoring is not isolation: while a scope is open, every other thread sees its values. That is why the classes
/// that open one hold <see cref="GemmThreadsCollection"/>, whose <c>DisableParallelization</c> makes xUnit (v2) run
/// its tests one at a time, after the parallel collections, with nothing else running.</remarks>
public sealed class KernelSettingsScope : IDisposable
{
    private readonly int _threads = Gemm.Threads;
    private readonly long _parallelThreshold = Gemm.ParallelThreshold;
    private readonly bool _adaptToLoad = Gemm.AdaptToLoad;
    private readonly int _loopThreads = KernelLoop.MaxThreads;

    /// <summary>Captures all four settings, then sets those given (a null leaves that setting as it is).</summary>
    public KernelSettingsScope(int? threads = null, long? parallelThreshold = null, bool? adaptToLoad = null,
        int? loopThreads = null)
    {
        try
        {
            if (threads is { } t) Gemm.Threads = t;
            if (parallelThreshold is { } p) Gemm.ParallelThreshold = p;
            if (adaptToLoad is { } a) Gemm.AdaptToLoad = a;
            if (loopThreads is { } l) KernelLoop.MaxThreads = l;
        }
        catch
        {
            Dispose(); // a refused value (threads < 1) must not leave the ones already set behind
            throw;
        }
    }

    /// <summary>Puts back all four captured values, including any the body changed itself.</summary>
    public void Dispose()
    {
        Gemm.Threads = _threads; // the setter keeps the GEMM's team when the count is unchanged
        Gemm.ParallelThreshold = _parallelThreshold;
        Gemm.AdaptToLoad = _adaptToLoad;
        KernelLoop.MaxThreads = _loopThreads;
    }
}
