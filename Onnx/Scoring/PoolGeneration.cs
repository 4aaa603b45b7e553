namespace NeuralPipelines.Onnx.Scoring;

/// <summary>One loaded version of a pooled model. Callers hold it for the length of one prediction; a reload swaps in the
/// next generation and releases the pool's own hold, and the last caller out disposes it, so a prediction in flight
/// never sees its model disposed under it.</summary>
internal abstract class PoolGeneration<TIn, TOut> where TIn : class where TOut : class, new()
{
    // The pool's own hold counts as one; zero means disposed (or being disposed) and never comes back.
    private int _holds = 1;

    protected PoolGeneration(FileStamp stamp) => Stamp = stamp;

    public FileStamp Stamp { get; }

    /// <summary>"onnx-runtime" (one shared session, batched) or "prediction-engine" (ML.NET engines, one per concurrent caller).</summary>
    public abstract string Backend { get; }

    public abstract TOut Predict(TIn example);

    public abstract TOut[] Predict(IReadOnlyList<TIn> examples);

    public bool TryAcquire()
    {
        while (true)
        {
            int holds = Volatile.Read(ref _holds);
            if (holds == 0) return false;
            if (Interlocked.CompareExchange(ref _holds, holds + 1, holds) == holds) return true;
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _holds) == 0) DisposeModel();
    }

    protected abstract void DisposeModel();
}

/// <summary>What identifies one version of a file: its length and last write time.</summary>
internal readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
{
    public static FileStamp Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : default;
    }
}
