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

/// <summary>What identifies one version of a file: its identity (device and inode), length and last write time.</summary>
/// <remarks>The identity is what tells a model renamed into place (the way to replace one) from the file it replaced: a
/// retrained network of the same architecture has the same length, and a copy that keeps timestamps (rsync -a, cp -p, tar,
/// a reproducible build's fixed times) or two saves in one clock tick have the same time. Where the system gives no
/// identity (not Linux) it is 0 and length and time decide, as before.</remarks>
internal readonly record struct FileStamp(long Length, DateTime LastWriteUtc, ulong Device, ulong Inode)
{
    public static FileStamp Of(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return default;
        var identity = NeuralPipelines.Data.IO.FileIdentity.Of(path);
        return new FileStamp(info.Length, info.LastWriteTimeUtc, identity?.Device ?? 0, identity?.Inode ?? 0);
    }
}
