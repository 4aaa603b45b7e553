namespace NeuralPipelines.Data.IO;

/// <summary>Starts the disk writes of a file that is still being written, so that the fsync which ends an atomic write
/// (<see cref="OutputTransaction"/>) finds little left to wait for.</summary>
/// <remarks>Why: the kernel holds written pages in memory for up to half a minute, so a large output's fsync used to write all
/// of it at the end, after the work was done (measured: 15–20 ms of a 13 MB predictions file, 30–100 ms on the loaded
/// machine, beside 0–8 ms when its writes were started as it grew). A writer that produces its file over a while calls
/// <see cref="Start"/> every few megabytes. The durability promise is unchanged: the commit still fsyncs.</remarks>
public static class Writeback
{
    /// <summary>Starts writing to disk what <paramref name="stream"/> has written so far, and returns at once; true when
    /// asked of the kernel (a file on Linux), false for any other stream or platform, where it does nothing.</summary>
    public static bool Start(Stream stream)
    {
        if (stream is not FileStream file) return false;
        file.Flush(flushToDisk: false);
        return Posix.StartWriteback(file.SafeFileHandle);
    }
}
